package cashier

import (
	"net/http"
)

// maxFormBytes bounds a POST body: the form has two short fields.
const maxFormBytes = 4 << 10

// Names and values of the page's form fields.
const (
	fieldAction  = "action"
	fieldToken   = "token"
	actionPay    = "pay"
	actionCancel = "cancel"
)

// act answers POST: it checks that the form came from this user's cashier
// page (same origin, valid token) before anything else, then pays or
// cancels.
func (h *Handler) act(w http.ResponseWriter, r *http.Request, id string) {
	if err := h.origin.Check(r); err != nil {
		h.problem(w, r, http.StatusForbidden, id)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.problem(w, r, http.StatusBadRequest, id)
		return
	}
	user, err := h.cfg.UserOf(r)
	if err != nil || user == "" {
		h.problem(w, r, http.StatusUnauthorized, id)
		return
	}
	if !h.validToken(r.PostForm.Get(fieldToken), id, user) {
		h.problem(w, r, http.StatusForbidden, id)
		return
	}
	switch r.PostForm.Get(fieldAction) {
	case actionPay:
		h.pay(w, r, id, user)
	case actionCancel:
		h.cancel(w, r, id)
	default:
		h.problem(w, r, http.StatusBadRequest, id)
	}
}
