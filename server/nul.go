package server

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strings"
)

// maxFormBody bounds the urlencoded bodies this guard reads; handlers apply
// their own, usually smaller, limits afterwards.
const maxFormBody = 16 << 20

// rejectNUL refuses NUL characters in URLs and urlencoded form bodies with a
// 400. PostgreSQL cannot store U+0000 in text, so without this guard such
// input would surface as a 500 deep in whichever store received it. JSON
// bodies are checked by the API's decoder; multipart bodies (file uploads)
// may carry NUL bytes legitimately and are left alone. The API validates its
// own input and answers in problem+json, so /api/ is not guarded here.
func rejectNUL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		if hasNUL(r.URL.RawQuery) || strings.Contains(r.URL.Path, "\x00") || hasNUL(r.URL.RawPath) {
			refuseNUL(w)
			return
		}
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if r.Body != nil && ct == "application/x-www-form-urlencoded" {
			b, err := io.ReadAll(io.LimitReader(r.Body, maxFormBody+1))
			r.Body.Close()
			if err != nil {
				http.Error(w, "Corps de requête illisible. / Unreadable request body.", http.StatusBadRequest)
				return
			}
			if len(b) > maxFormBody {
				http.Error(w, "Formulaire trop volumineux. / Form too large.", http.StatusRequestEntityTooLarge)
				return
			}
			if hasNUL(string(b)) {
				refuseNUL(w)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		next.ServeHTTP(w, r)
	})
}

func hasNUL(encoded string) bool {
	return strings.Contains(encoded, "%00") || strings.Contains(encoded, "\x00")
}

func refuseNUL(w http.ResponseWriter) {
	http.Error(w, "La requête contient un caractère nul (U+0000), qui n’est accepté dans aucun champ. / "+
		"The request contains a NUL character (U+0000), which no field accepts.", http.StatusBadRequest)
}
