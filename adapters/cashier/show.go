package cashier

import (
	"net/http"
)

// show answers GET: the pay page while the payment is payable, else the
// page of its state.
func (h *Handler) show(w http.ResponseWriter, r *http.Request, id string) {
	p, ok := h.load(w, r, id)
	if !ok {
		return
	}
	if !h.payable(p) {
		h.state(w, r, http.StatusOK, p, false)
		return
	}
	user, err := h.cfg.UserOf(r)
	if err != nil || user == "" {
		h.problem(w, r, http.StatusUnauthorized, id)
		return
	}
	h.payPage(w, r, http.StatusOK, p, user, "")
}
