package server

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/civiscope/civiscope"
)

// Refuse answers a request the site turns away before any handler sees it
// (bad encoding, overload): RFC 9457 problem+json under /api/, a small page
// in French then English elsewhere. fr and en say the same thing.
func Refuse(w http.ResponseWriter, r *http.Request, status int, fr, en string) {
	refuse(w, r, status, fr, en, nil)
}

func refuse(w http.ResponseWriter, r *http.Request, status int, fr, en string, fields []civiscope.FieldError) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if strings.HasPrefix(r.URL.Path, "/api/") {
		p := map[string]any{
			"type": "/api/docs#problem-" + problemCode(status), "title": http.StatusText(status),
			"status": status, "detail": en, "code": problemCode(status),
			"request_id": middleware.GetReqID(r.Context()),
		}
		if len(fields) > 0 {
			p["errors"] = fields
		}
		body, _ := json.Marshal(p)
		h.Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
		return
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = refusalPage.Execute(w, map[string]any{"Status": status, "Text": http.StatusText(status), "FR": fr, "EN": en})
}

// problemCode is the error code HTTPStatus maps to status.
func problemCode(status int) string {
	for _, code := range []string{civiscope.EINVALID, civiscope.ETOOLARGE, civiscope.ETOOMANY, civiscope.EUNAVAILABLE} {
		if HTTPStatus(&civiscope.Error{Code: code}) == status {
			return code
		}
	}
	return civiscope.EINTERNAL
}

var refusalPage = template.Must(template.New("refusal").Parse(`<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Status}} · Civiscope</title></head>
<body>
<main>
<h1>Erreur {{.Status}}</h1>
<p>{{.FR}}</p>
<p><a href="/">Retour à l’accueil</a></p>
<div lang="en">
<h2>Error {{.Status}} ({{.Text}})</h2>
<p>{{.EN}}</p>
<p><a href="/?lang=en">Back to the home page</a></p>
</div>
</main>
</body>
</html>
`))
