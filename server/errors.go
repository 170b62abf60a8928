package server

import (
	"net/http"

	"github.com/civiscope/civiscope"
)

// HTTPStatus maps an application error to its HTTP status. It is the one
// place where domain error codes meet HTTP; api and web both call it.
func HTTPStatus(err error) int {
	switch civiscope.ErrorCode(err) {
	case "":
		return http.StatusOK
	case civiscope.EINVALID:
		return http.StatusBadRequest
	case civiscope.ENOTFOUND:
		return http.StatusNotFound
	case civiscope.ECONFLICT:
		return http.StatusConflict
	case civiscope.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case civiscope.EFORBIDDEN:
		return http.StatusForbidden
	case civiscope.ETOOMANY:
		return http.StatusTooManyRequests
	case civiscope.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case civiscope.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
