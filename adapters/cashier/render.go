package cashier

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strconv"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed templates/cashier.css
var pageCSS string

// The pages: the pay page, and one page for states and problems.
var (
	payTemplate     = parsePage("templates/pay.html")
	messageTemplate = parsePage("templates/message.html")
)

// parsePage parses the layout with one page's content.
func parsePage(content string) *template.Template {
	return template.Must(template.New("layout.html").ParseFS(templateFiles, "templates/layout.html", content))
}

// page is what the layout gets: the view and the style sheet.
type page struct {
	view
	CSS template.CSS
}

// render writes the page t shows for v with status. It renders to a buffer
// first, so a template error becomes a plain 500 rather than half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, t *template.Template, v view) {
	v.WalletName = h.cfg.WalletName
	var buf bytes.Buffer
	if err := t.Execute(&buf, page{view: v, CSS: template.CSS(pageCSS)}); err != nil {
		h.cfg.Logger.ErrorContext(r.Context(), "paystate: cashier: render page", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
