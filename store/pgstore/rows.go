package pgstore

import (
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/paystate/paystate/store"
)

// This file maps records to table rows and back. Each table has its column
// list, the values of a record in that order (for INSERT and UPDATE) and a
// row type whose dest() gives Scan targets in the same order.

// nullTime stores t, the zero time as NULL.
func nullTime(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

// dueTime stores a "due at" time, the zero time as '-infinity': due since
// forever, first in order.
func dueTime(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

// goTime reads a time stored by nullTime or dueTime: in UTC, NULL and
// infinities as the zero time.
func goTime(ts pgtype.Timestamptz) time.Time {
	if !ts.Valid || ts.InfinityModifier != pgtype.Finite {
		return time.Time{}
	}
	return ts.Time.UTC()
}

var paymentColumns = []string{
	"id", "partner_id", "request_id", "fingerprint", "scenario", "status",
	"currency", "amount", "refunded_amount", "held_amount",
	"user_id", "order_title", "order_data", "notify_url", "return_url",
	"fail_reason", "fail_message",
	"created_at", "updated_at", "paid_at", "closed_at", "expires_at",
	"pending_op", "op_id", "next_check_at", "check_attempts", "op_count",
	"cancelled_at", "version", "extend_info", "refund_count", "usage_day",
	"is_authorization", "hold_id", "authorized_at", "auth_expires_at",
	"captured_amount", "capturing_amount", "capture_count", "last_capture_id",
	"auto_capture", "notify_captures",
}

// paymentKeyColumns are the leading columns of paymentColumns that never
// change after creation: the id and the request key.
const paymentKeyColumns = 3

func paymentValues(p *store.Payment) []any {
	return []any{
		p.ID, p.PartnerID, p.RequestID, p.Fingerprint, p.Scenario, p.Status,
		p.Currency, p.Amount, p.RefundedAmount, p.HeldAmount,
		p.UserID, p.OrderTitle, p.OrderData, p.NotifyURL, p.ReturnURL,
		p.FailReason, p.FailMessage,
		nullTime(p.CreatedAt), nullTime(p.UpdatedAt), nullTime(p.PaidAt), nullTime(p.ClosedAt), dueTime(p.ExpiresAt),
		p.PendingOp, p.OpID, dueTime(p.NextCheckAt), p.CheckAttempts, p.OpCount,
		nullTime(p.CancelledAt), p.Version, p.ExtendInfo, p.RefundCount, p.UsageDay,
		p.Authorization, p.HoldID, nullTime(p.AuthorizedAt), dueTime(p.AuthExpiresAt),
		p.CapturedAmount, p.CapturingAmount, p.CaptureCount, p.LastCaptureID,
		p.AutoCapture, p.NotifyCaptures,
	}
}

// paymentRow is a scanned payments row.
type paymentRow struct {
	p                                                 store.Payment
	createdAt, updatedAt, paidAt, closedAt, expiresAt pgtype.Timestamptz
	nextCheckAt, cancelledAt                          pgtype.Timestamptz
	authorizedAt, authExpiresAt                       pgtype.Timestamptz
}

func (r *paymentRow) dest() []any {
	p := &r.p
	return []any{
		&p.ID, &p.PartnerID, &p.RequestID, &p.Fingerprint, &p.Scenario, &p.Status,
		&p.Currency, &p.Amount, &p.RefundedAmount, &p.HeldAmount,
		&p.UserID, &p.OrderTitle, &p.OrderData, &p.NotifyURL, &p.ReturnURL,
		&p.FailReason, &p.FailMessage,
		&r.createdAt, &r.updatedAt, &r.paidAt, &r.closedAt, &r.expiresAt,
		&p.PendingOp, &p.OpID, &r.nextCheckAt, &p.CheckAttempts, &p.OpCount,
		&r.cancelledAt, &p.Version, &p.ExtendInfo, &p.RefundCount, &p.UsageDay,
		&p.Authorization, &p.HoldID, &r.authorizedAt, &r.authExpiresAt,
		&p.CapturedAmount, &p.CapturingAmount, &p.CaptureCount, &p.LastCaptureID,
		&p.AutoCapture, &p.NotifyCaptures,
	}
}

func (r *paymentRow) record() store.Payment {
	p := r.p
	p.CreatedAt, p.UpdatedAt = goTime(r.createdAt), goTime(r.updatedAt)
	p.PaidAt, p.ClosedAt, p.ExpiresAt = goTime(r.paidAt), goTime(r.closedAt), goTime(r.expiresAt)
	p.NextCheckAt, p.CancelledAt = goTime(r.nextCheckAt), goTime(r.cancelledAt)
	p.AuthorizedAt, p.AuthExpiresAt = goTime(r.authorizedAt), goTime(r.authExpiresAt)
	return p
}

var refundColumns = []string{
	"id", "payment_id", "partner_id", "request_id",
	"fingerprint", "currency", "amount", "reason", "status",
	"fail_reason", "fail_message",
	"created_at", "updated_at", "finished_at",
	"next_check_at", "check_attempts", "notify_url", "extend_info",
}

// refundKeyColumns are the leading columns of refundColumns that never
// change after creation: the id, the payment and the request key.
const refundKeyColumns = 4

func refundValues(r *store.Refund) []any {
	return []any{
		r.ID, r.PaymentID, r.PartnerID, r.RequestID,
		r.Fingerprint, r.Currency, r.Amount, r.Reason, r.Status,
		r.FailReason, r.FailMessage,
		nullTime(r.CreatedAt), nullTime(r.UpdatedAt), nullTime(r.FinishedAt),
		dueTime(r.NextCheckAt), r.CheckAttempts, r.NotifyURL, r.ExtendInfo,
	}
}

// refundRow is a scanned refunds row. Every column is nullable because
// the payment reads put a payment's refunds beside its captures (see
// queries.go), a row holds one or the other, and a payment with neither
// reads as one row of NULLs; valid() tells a real refund.
type refundRow struct {
	id, paymentID, partnerID, requestID     pgtype.Text
	fingerprint, currency                   pgtype.Text
	amount                                  pgtype.Int8
	reason, status, failReason, failMessage pgtype.Text
	createdAt, updatedAt, finishedAt        pgtype.Timestamptz
	nextCheckAt                             pgtype.Timestamptz
	checkAttempts                           pgtype.Int8
	notifyURL, extendInfo                   pgtype.Text
}

func (r *refundRow) dest() []any {
	return []any{
		&r.id, &r.paymentID, &r.partnerID, &r.requestID,
		&r.fingerprint, &r.currency, &r.amount, &r.reason, &r.status,
		&r.failReason, &r.failMessage,
		&r.createdAt, &r.updatedAt, &r.finishedAt,
		&r.nextCheckAt, &r.checkAttempts, &r.notifyURL, &r.extendInfo,
	}
}

func (r *refundRow) valid() bool { return r.id.Valid }

func (r *refundRow) record() store.Refund {
	return store.Refund{
		ID: r.id.String, PaymentID: r.paymentID.String, PartnerID: r.partnerID.String, RequestID: r.requestID.String,
		Fingerprint: r.fingerprint.String, Currency: r.currency.String, Amount: r.amount.Int64,
		Reason: r.reason.String, Status: r.status.String,
		FailReason: r.failReason.String, FailMessage: r.failMessage.String,
		CreatedAt: goTime(r.createdAt), UpdatedAt: goTime(r.updatedAt), FinishedAt: goTime(r.finishedAt),
		NextCheckAt: goTime(r.nextCheckAt), CheckAttempts: int(r.checkAttempts.Int64),
		NotifyURL: r.notifyURL.String, ExtendInfo: r.extendInfo.String,
	}
}

var captureColumns = []string{
	"id", "payment_id", "partner_id", "request_id",
	"fingerprint", "currency", "amount", "last", "status", "notify", "extend_info",
	"fail_reason", "fail_message",
	"created_at", "updated_at", "finished_at",
	"next_check_at", "check_attempts",
}

// captureKeyColumns are the leading columns of captureColumns that never
// change after creation: the id, the payment and the request key.
const captureKeyColumns = 4

func captureValues(c *store.Capture) []any {
	return []any{
		c.ID, c.PaymentID, c.PartnerID, c.RequestID,
		c.Fingerprint, c.Currency, c.Amount, c.Last, c.Status, c.Notify, c.ExtendInfo,
		c.FailReason, c.FailMessage,
		nullTime(c.CreatedAt), nullTime(c.UpdatedAt), nullTime(c.FinishedAt),
		dueTime(c.NextCheckAt), c.CheckAttempts,
	}
}

// captureRow is a scanned captures row, nullable for the same reason as
// refundRow; valid() tells a real capture.
type captureRow struct {
	id, paymentID, partnerID, requestID pgtype.Text
	fingerprint, currency               pgtype.Text
	amount                              pgtype.Int8
	last                                pgtype.Bool
	status                              pgtype.Text
	notify                              pgtype.Bool
	extendInfo, failReason, failMessage pgtype.Text
	createdAt, updatedAt, finishedAt    pgtype.Timestamptz
	nextCheckAt                         pgtype.Timestamptz
	checkAttempts                       pgtype.Int8
}

func (r *captureRow) dest() []any {
	return []any{
		&r.id, &r.paymentID, &r.partnerID, &r.requestID,
		&r.fingerprint, &r.currency, &r.amount, &r.last, &r.status, &r.notify, &r.extendInfo,
		&r.failReason, &r.failMessage,
		&r.createdAt, &r.updatedAt, &r.finishedAt,
		&r.nextCheckAt, &r.checkAttempts,
	}
}

func (r *captureRow) valid() bool { return r.id.Valid }

func (r *captureRow) record() store.Capture {
	return store.Capture{
		ID: r.id.String, PaymentID: r.paymentID.String, PartnerID: r.partnerID.String, RequestID: r.requestID.String,
		Fingerprint: r.fingerprint.String, Currency: r.currency.String, Amount: r.amount.Int64,
		Last: r.last.Bool, Status: r.status.String, Notify: r.notify.Bool, ExtendInfo: r.extendInfo.String,
		FailReason: r.failReason.String, FailMessage: r.failMessage.String,
		CreatedAt: goTime(r.createdAt), UpdatedAt: goTime(r.updatedAt), FinishedAt: goTime(r.finishedAt),
		NextCheckAt: goTime(r.nextCheckAt), CheckAttempts: int(r.checkAttempts.Int64),
	}
}

var eventColumns = []string{"payment_id", "refund_id", "seq", "at", "name", "from_state", "to_state", "detail"}

func eventValues(e *store.Event) []any {
	return []any{e.PaymentID, e.RefundID, e.Seq, nullTime(e.At), e.Name, e.From, e.To, e.Detail}
}

// eventRow is a scanned events row.
type eventRow struct {
	e  store.Event
	at pgtype.Timestamptz
}

func (r *eventRow) dest() []any {
	e := &r.e
	return []any{&e.PaymentID, &e.RefundID, &e.Seq, &r.at, &e.Name, &e.From, &e.To, &e.Detail}
}

func (r *eventRow) record() store.Event {
	e := r.e
	e.At = goTime(r.at)
	return e
}

var outboxColumns = []string{
	"id", "payment_id", "partner_id", "request_id", "kind", "notify_url",
	"status", "fail_reason", "fail_msg", "currency", "amount",
	"payment_created_at", "payment_time", "created_at", "next_attempt_at",
	"attempts", "lease_owner", "lease_until", "delivered_at", "parked", "last_error",
	"extend_info", "refund_id", "refund_request_id",
	"capture_id", "capture_request_id",
}

func outboxValues(m *store.OutboxMessage) []any {
	return []any{
		m.ID, m.PaymentID, m.PartnerID, m.RequestID, m.Kind, m.NotifyURL,
		m.Status, m.FailReason, m.FailMsg, m.Currency, m.Amount,
		nullTime(m.PaymentCreatedAt), nullTime(m.PaymentTime), nullTime(m.CreatedAt), dueTime(m.NextAttemptAt),
		m.Attempts, m.LeaseOwner, nullTime(m.LeaseUntil), nullTime(m.DeliveredAt), m.Parked, m.LastError,
		m.ExtendInfo, m.RefundID, m.RefundRequestID,
		m.CaptureID, m.CaptureRequestID,
	}
}

// outboxRow is a scanned outbox row.
type outboxRow struct {
	m                                                       store.OutboxMessage
	paymentCreatedAt, paymentTime, createdAt, nextAttemptAt pgtype.Timestamptz
	leaseUntil, deliveredAt                                 pgtype.Timestamptz
}

func (r *outboxRow) dest() []any {
	m := &r.m
	return []any{
		&m.ID, &m.PaymentID, &m.PartnerID, &m.RequestID, &m.Kind, &m.NotifyURL,
		&m.Status, &m.FailReason, &m.FailMsg, &m.Currency, &m.Amount,
		&r.paymentCreatedAt, &r.paymentTime, &r.createdAt, &r.nextAttemptAt,
		&m.Attempts, &m.LeaseOwner, &r.leaseUntil, &r.deliveredAt, &m.Parked, &m.LastError,
		&m.ExtendInfo, &m.RefundID, &m.RefundRequestID,
		&m.CaptureID, &m.CaptureRequestID,
	}
}

func (r *outboxRow) record() store.OutboxMessage {
	m := r.m
	m.PaymentCreatedAt, m.PaymentTime = goTime(r.paymentCreatedAt), goTime(r.paymentTime)
	m.CreatedAt, m.NextAttemptAt = goTime(r.createdAt), goTime(r.nextAttemptAt)
	m.LeaseUntil, m.DeliveredAt = goTime(r.leaseUntil), goTime(r.deliveredAt)
	return m
}
