package cashier

import (
	"net/http"

	"github.com/paystate/paystate/engine"
)

// load returns the payment id names, or answers 404 (no such payment) or
// 500 and returns false.
func (h *Handler) load(w http.ResponseWriter, r *http.Request, id string) (engine.Payment, bool) {
	p, err := h.cfg.Engine.Payment(r.Context(), id)
	switch engine.ErrorCode(err) {
	case engine.CodeNone:
		return p, true
	case engine.CodePaymentNotFound, engine.CodeParamIllegal:
		h.problem(w, r, http.StatusNotFound, "")
	default:
		h.internal(w, r, err, "load payment", id)
	}
	return engine.Payment{}, false
}

// payable reports whether the user may pay p now: it waits for the user
// and has not expired.
func (h *Handler) payable(p engine.Payment) bool {
	return p.State == engine.PaymentAccept && h.cfg.Now().Before(p.ExpiresAt)
}

// internal logs an error the user must not see and answers 500.
func (h *Handler) internal(w http.ResponseWriter, r *http.Request, err error, what, id string) {
	h.cfg.Logger.ErrorContext(r.Context(), "paystate: cashier: "+what, "payment", id, "error", err)
	h.problem(w, r, http.StatusInternalServerError, id)
}
