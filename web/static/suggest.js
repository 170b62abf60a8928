// Progressive enhancement: as-you-type suggestions for the collectivité name
// boxes (inputs with data-suggest). Without JavaScript the forms work the
// same; with it, a native <datalist> offers names from /territoires/suggestions.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-suggest]");
  Array.prototype.forEach.call(inputs, function (input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.parentNode.appendChild(list);
    input.setAttribute("list", list.id);
    var timer = null, last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 2 || q === last) { return; }
        last = q;
        var url = "/territoires/suggestions?q=" + encodeURIComponent(q);
        if (input.dataset.suggest) { url += "&type=" + encodeURIComponent(input.dataset.suggest); }
        fetch(url, { headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (names) {
            list.textContent = "";
            names.forEach(function (n) {
              var o = document.createElement("option");
              o.value = n;
              list.appendChild(o);
            });
          })
          .catch(function () { /* suggestions are optional */ });
      }, 150);
    });
  });
})();
