package cashier

import (
	"net/http"
)

// cancel takes the user back to the merchant without paying: 303 to the
// return URL, or a page saying nothing was paid. It changes nothing in the
// engine: the payment stays payable until it is paid, the merchant
// cancels it, or it expires (docs/decisions.md, "The cashier's Cancel
// leaves the payment open").
func (h *Handler) cancel(w http.ResponseWriter, r *http.Request, id string) {
	p, ok := h.load(w, r, id)
	if !ok {
		return
	}
	if back := returnLink(p); back.Origin != "" {
		http.Redirect(w, r, back.URL, http.StatusSeeOther)
		return
	}
	h.state(w, r, http.StatusOK, p, true)
}
