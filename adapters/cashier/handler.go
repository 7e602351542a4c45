package cashier

import (
	"net/http"
	"net/url"
	"strings"
)

// Handler serves the cashier page (see the package doc for its URLs). It
// is safe for concurrent use.
type Handler struct {
	cfg    Config
	prefix string // escaped path of cfg.BaseURL, e.g. "/cashier/"
	origin *http.CrossOriginProtection
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler for cfg, or an error when cfg is incomplete or
// invalid.
func New(cfg Config) (*Handler, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	base, _ := url.Parse(cfg.BaseURL) // checked by withDefaults
	return &Handler{cfg: cfg, prefix: base.EscapedPath(), origin: http.NewCrossOriginProtection()}, nil
}

// URL returns the cashier page of a payment: Config.BaseURL followed by the
// payment id escaped as one path segment. Give it to the Alipay+ adapter
// as its CashierURL.
func (h *Handler) URL(paymentID string) string {
	return h.cfg.BaseURL + url.PathEscape(paymentID)
}

// Prefix returns the path to mount the handler at, e.g. "/cashier/": the
// path of Config.BaseURL. Mount it as is, without http.StripPrefix.
func (h *Handler) Prefix() string { return h.prefix }

// ServeHTTP answers GET (and HEAD) with the page of the payment the path
// names and POST with the outcome of its form.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header(), "")
	id, ok := h.paymentID(r)
	if !ok {
		h.problem(w, r, http.StatusNotFound, "")
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.show(w, r, id)
	case http.MethodPost:
		h.act(w, r, id)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		h.problem(w, r, http.StatusMethodNotAllowed, "")
	}
}

// paymentID returns the payment id the request path names: the single
// path segment after the prefix, unescaped.
func (h *Handler) paymentID(r *http.Request) (string, bool) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), h.prefix)
	if !ok || rest == "" || strings.Contains(rest, "/") {
		return "", false
	}
	id, err := url.PathUnescape(rest)
	if err != nil || id == "" {
		return "", false
	}
	return id, true
}
