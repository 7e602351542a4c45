package cashier

import (
	"net/http"

	"github.com/paystate/paystate/engine"
)

// view is what a template shows. The pay page uses the payment fields and
// Token; the state and problem pages use Status to Retry.
type view struct {
	WalletName string
	Title      string // the document's title

	Merchant   string // "" on problem pages
	OrderTitle string
	Amount     string // formatted, e.g. "USD 12.34"
	Message    string // on the pay page: why the last Pay was declined
	Token      string
	// Authorize marks an authorization (engine.PayRequest.Authorization):
	// the pay page asks the user to authorize, not to pay, and says the
	// money is held until the merchant takes it.
	Authorize bool

	Status     string // short label, e.g. "Paid"
	Tone       string // "ok", "wait" or "bad": how Status is coloured
	Heading    string
	Text       []string // paragraphs
	Back       string   // the merchant's return URL
	Retry      string   // the cashier page of the payment
	RetryLabel string
}

// withPayment fills in what v shows about p.
func (h *Handler) withPayment(v view, p engine.Payment) view {
	v.Merchant = visibleText(h.cfg.MerchantName(p.PartnerID))
	if v.Merchant == "" {
		v.Merchant = p.PartnerID
	}
	v.OrderTitle = visibleText(p.OrderTitle)
	if v.OrderTitle == "" {
		v.OrderTitle = "Payment to " + v.Merchant
	}
	v.Amount = formatAmount(p.Amount)
	v.Authorize = p.Authorization
	return v
}

// payPage answers with the page that lets user pay p; message, when not
// empty, says why the last attempt was declined.
func (h *Handler) payPage(w http.ResponseWriter, r *http.Request, status int, p engine.Payment, user, message string) {
	v := h.withPayment(view{}, p)
	v.Title = "Pay " + v.Merchant
	if v.Authorize {
		v.Title = "Authorize " + v.Merchant
	}
	v.Message = message
	v.Token = h.token(p.ID, user)
	setSecurityHeaders(w.Header(), returnLink(p).Origin)
	h.render(w, r, status, payTemplate, v)
}

// state answers with the page of p's state. left says the user has just
// chosen Cancel.
func (h *Handler) state(w http.ResponseWriter, r *http.Request, status int, p engine.Payment, left bool) {
	v := h.withPayment(view{}, p)
	v = describeState(v, p, h.payable(p), left)
	if v.RetryLabel != "" {
		v.Retry = h.URL(p.ID)
	}
	v.Back = returnLink(p).URL
	v.Title = v.Heading
	h.render(w, r, status, messageTemplate, v)
}

// problem answers a request the cashier cannot serve with status and a
// page saying what the user can do. id, when known, adds a link back to
// the payment's page.
func (h *Handler) problem(w http.ResponseWriter, r *http.Request, status int, id string) {
	v := describeProblem(status)
	if id != "" && v.RetryLabel != "" {
		v.Retry = h.URL(id)
	}
	v.Title = v.Heading
	h.render(w, r, status, messageTemplate, v)
}
