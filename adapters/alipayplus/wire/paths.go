package wire

// Path prefixes of the endpoints: every endpoint is POST <prefix><name>.
// Antom partners call the same endpoints under AntomPathPrefix.
const (
	PathPrefix      = "/v1/payments/"
	AntomPathPrefix = "/ams/api/v1/payments/"
)

// Endpoint names, the last segment of each endpoint's path.
const (
	EndpointPay            = "pay"
	EndpointInquiryPayment = "inquiryPayment"
	EndpointCancel         = "cancel"
	EndpointRefund         = "refund"
	EndpointInquiryRefund  = "inquiryRefund"
	EndpointCapture        = "capture"
)

// Paths of the endpoints under PathPrefix, as a merchant calls them.
const (
	PathPay            = PathPrefix + EndpointPay
	PathInquiryPayment = PathPrefix + EndpointInquiryPayment
	PathCancel         = PathPrefix + EndpointCancel
	PathRefund         = PathPrefix + EndpointRefund
	PathInquiryRefund  = PathPrefix + EndpointInquiryRefund
	PathCapture        = PathPrefix + EndpointCapture
)
