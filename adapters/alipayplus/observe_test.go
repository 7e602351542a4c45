package alipayplus

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestObserveSeesEveryAnswer(t *testing.T) {
	var mu sync.Mutex
	var seen []Observation
	fx := newEPFixture(t, epOptions{})
	fx.h.cfg.Observe = func(o Observation) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, o)
	}
	fx.payAndConfirm(t, miniPartner, "observed", "1000")
	fx.send(t, miniPartner, pathInquiryPayment, []byte(`{"partnerId":"`+miniPartner+`","paymentRequestId":"observed"}`))
	rec := httptest.NewRecorder()
	fx.h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/payments/nope", strings.NewReader(`{}`)))
	require.Equal(t, http.StatusNotFound, rec.Code)

	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, len(seen), 3)
	last, inquiry := seen[len(seen)-1], seen[len(seen)-2]
	assert.Equal(t, "inquiryPayment", inquiry.Endpoint)
	assert.Equal(t, miniClient, inquiry.ClientID)
	assert.Equal(t, http.StatusOK, inquiry.HTTPStatus)
	assert.Equal(t, wire.Result{ResultCode: "SUCCESS", ResultStatus: wire.StatusSuccess, ResultMessage: "success"}, inquiry.Result)
	assert.Positive(t, inquiry.Duration)
	assert.Equal(t, "", last.Endpoint, "an unknown path names no endpoint")
	assert.Equal(t, wire.CodeNoInterfaceDef, last.Result.ResultCode)
	assert.Equal(t, http.StatusNotFound, last.HTTPStatus)
}
