package sqlitestore

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paystate/paystate/store"
)

// Times are stored as INTEGER unix microseconds, 0 for the zero time.
// (The one instant that cannot round-trip is 1970-01-01T00:00:00Z itself,
// which reads back as the zero time; clocks do not produce it.)

// micros encodes t for a time column.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// utc is a sql.Scanner that decodes a time column into *t, in UTC.
type utc struct{ t *time.Time }

// Scan implements sql.Scanner.
func (u utc) Scan(src any) error {
	v, ok := src.(int64)
	if !ok {
		return fmt.Errorf("sqlitestore: time column holds %T, want INTEGER", src)
	}
	if v == 0 {
		*u.t = time.Time{}
	} else {
		*u.t = time.UnixMicro(v).UTC()
	}
	return nil
}

// bit encodes b for an INTEGER 0/1 column.
func bit(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// paymentColumns lists the payments columns in the order of paymentArgs
// and scanPayment (which reads one more: whether order_data is NULL).
const paymentColumns = `id, partner_id, request_id, fingerprint, scenario, status,
	currency, amount, refunded_amount, held_amount,
	user_id, order_title, order_data, notify_url, return_url, fail_reason, fail_message,
	created_at, updated_at, paid_at, closed_at, expires_at,
	pending_op, op_id, next_check_at, check_attempts, op_count, cancelled_at, version, extend_info,
	refund_count, usage_day,
	authorization_payment, hold_id, authorized_at, auth_expires_at,
	captured_amount, capturing_amount, capture_count, last_capture_id, auto_capture, notify_captures`

const paymentSelect = `SELECT ` + paymentColumns + `, order_data IS NULL FROM payments`

// paymentArgs returns p's column values in paymentColumns order.
func paymentArgs(p *store.Payment) []any {
	return []any{p.ID, p.PartnerID, p.RequestID, p.Fingerprint, p.Scenario, p.Status,
		p.Currency, p.Amount, p.RefundedAmount, p.HeldAmount,
		p.UserID, p.OrderTitle, p.OrderData, p.NotifyURL, p.ReturnURL, p.FailReason, p.FailMessage,
		micros(p.CreatedAt), micros(p.UpdatedAt), micros(p.PaidAt), micros(p.ClosedAt), micros(p.ExpiresAt),
		p.PendingOp, p.OpID, micros(p.NextCheckAt), p.CheckAttempts, p.OpCount, micros(p.CancelledAt), p.Version, p.ExtendInfo,
		p.RefundCount, p.UsageDay,
		bit(p.Authorization), p.HoldID, micros(p.AuthorizedAt), micros(p.AuthExpiresAt),
		p.CapturedAmount, p.CapturingAmount, p.CaptureCount, p.LastCaptureID, bit(p.AutoCapture), bit(p.NotifyCaptures)}
}

// scanPayment reads one row of paymentSelect.
func scanPayment(sc scanner) (store.Payment, error) {
	var p store.Payment
	var dataIsNull bool
	err := sc.Scan(&p.ID, &p.PartnerID, &p.RequestID, &p.Fingerprint, &p.Scenario, &p.Status,
		&p.Currency, &p.Amount, &p.RefundedAmount, &p.HeldAmount,
		&p.UserID, &p.OrderTitle, &p.OrderData, &p.NotifyURL, &p.ReturnURL, &p.FailReason, &p.FailMessage,
		utc{&p.CreatedAt}, utc{&p.UpdatedAt}, utc{&p.PaidAt}, utc{&p.ClosedAt}, utc{&p.ExpiresAt},
		&p.PendingOp, &p.OpID, utc{&p.NextCheckAt}, &p.CheckAttempts, &p.OpCount, utc{&p.CancelledAt}, &p.Version,
		&p.ExtendInfo, &p.RefundCount, &p.UsageDay,
		&p.Authorization, &p.HoldID, utc{&p.AuthorizedAt}, utc{&p.AuthExpiresAt},
		&p.CapturedAmount, &p.CapturingAmount, &p.CaptureCount, &p.LastCaptureID, &p.AutoCapture, &p.NotifyCaptures,
		&dataIsNull)
	// The driver returns an empty BLOB as nil; keep an empty slice empty.
	if err == nil && !dataIsNull && p.OrderData == nil {
		p.OrderData = []byte{}
	}
	return p, err
}

// refundColumns lists the refunds columns in the order of refundArgs and
// scanRefund.
const refundColumns = `id, payment_id, partner_id, request_id, fingerprint, currency, amount,
	reason, status, fail_reason, fail_message,
	created_at, updated_at, finished_at, next_check_at, check_attempts, notify_url, extend_info`

const refundSelect = `SELECT ` + refundColumns + ` FROM refunds`

// refundArgs returns r's column values in refundColumns order.
func refundArgs(r *store.Refund) []any {
	return []any{r.ID, r.PaymentID, r.PartnerID, r.RequestID, r.Fingerprint, r.Currency, r.Amount,
		r.Reason, r.Status, r.FailReason, r.FailMessage,
		micros(r.CreatedAt), micros(r.UpdatedAt), micros(r.FinishedAt), micros(r.NextCheckAt), r.CheckAttempts,
		r.NotifyURL, r.ExtendInfo}
}

// scanRefund reads one row of refundSelect.
func scanRefund(sc scanner) (store.Refund, error) {
	var r store.Refund
	err := sc.Scan(&r.ID, &r.PaymentID, &r.PartnerID, &r.RequestID, &r.Fingerprint, &r.Currency, &r.Amount,
		&r.Reason, &r.Status, &r.FailReason, &r.FailMessage,
		utc{&r.CreatedAt}, utc{&r.UpdatedAt}, utc{&r.FinishedAt}, utc{&r.NextCheckAt}, &r.CheckAttempts,
		&r.NotifyURL, &r.ExtendInfo)
	return r, err
}

// captureColumns lists the captures columns in the order of captureArgs
// and scanCapture.
const captureColumns = `id, payment_id, partner_id, request_id, fingerprint, currency, amount,
	last, status, notify, extend_info, fail_reason, fail_message,
	created_at, updated_at, finished_at, next_check_at, check_attempts`

const captureSelect = `SELECT ` + captureColumns + ` FROM captures`

// captureArgs returns k's column values in captureColumns order.
func captureArgs(k *store.Capture) []any {
	return []any{k.ID, k.PaymentID, k.PartnerID, k.RequestID, k.Fingerprint, k.Currency, k.Amount,
		bit(k.Last), k.Status, bit(k.Notify), k.ExtendInfo, k.FailReason, k.FailMessage,
		micros(k.CreatedAt), micros(k.UpdatedAt), micros(k.FinishedAt), micros(k.NextCheckAt), k.CheckAttempts}
}

// scanCapture reads one row of captureSelect.
func scanCapture(sc scanner) (store.Capture, error) {
	var k store.Capture
	err := sc.Scan(&k.ID, &k.PaymentID, &k.PartnerID, &k.RequestID, &k.Fingerprint, &k.Currency, &k.Amount,
		&k.Last, &k.Status, &k.Notify, &k.ExtendInfo, &k.FailReason, &k.FailMessage,
		utc{&k.CreatedAt}, utc{&k.UpdatedAt}, utc{&k.FinishedAt}, utc{&k.NextCheckAt}, &k.CheckAttempts)
	return k, err
}

// eventColumns lists the events columns in the order of eventArgs and
// scanEvent.
const eventColumns = `payment_id, refund_id, seq, at, name, from_state, to_state, detail`

// eventArgs returns e's column values in eventColumns order.
func eventArgs(e *store.Event) []any {
	return []any{e.PaymentID, e.RefundID, e.Seq, micros(e.At), e.Name, e.From, e.To, e.Detail}
}

// scanEvent reads one row of eventColumns.
func scanEvent(sc scanner) (store.Event, error) {
	var e store.Event
	err := sc.Scan(&e.PaymentID, &e.RefundID, &e.Seq, utc{&e.At}, &e.Name, &e.From, &e.To, &e.Detail)
	return e, err
}

// outboxColumns lists the outbox columns in the order of outboxArgs and
// scanOutbox.
const outboxColumns = `id, payment_id, partner_id, request_id, kind, notify_url,
	status, fail_reason, fail_msg, currency, amount, payment_created_at, payment_time,
	created_at, next_attempt_at, attempts, lease_owner, lease_until, delivered_at, parked, last_error,
	extend_info, refund_id, refund_request_id, capture_id, capture_request_id`

// outboxArgs returns m's column values in outboxColumns order.
func outboxArgs(m *store.OutboxMessage) []any {
	return []any{m.ID, m.PaymentID, m.PartnerID, m.RequestID, m.Kind, m.NotifyURL,
		m.Status, m.FailReason, m.FailMsg, m.Currency, m.Amount, micros(m.PaymentCreatedAt), micros(m.PaymentTime),
		micros(m.CreatedAt), micros(m.NextAttemptAt), m.Attempts, m.LeaseOwner, micros(m.LeaseUntil),
		micros(m.DeliveredAt), bit(m.Parked), m.LastError,
		m.ExtendInfo, m.RefundID, m.RefundRequestID, m.CaptureID, m.CaptureRequestID}
}

// scanOutbox reads one row of outboxColumns.
func scanOutbox(sc scanner) (store.OutboxMessage, error) {
	var m store.OutboxMessage
	err := sc.Scan(&m.ID, &m.PaymentID, &m.PartnerID, &m.RequestID, &m.Kind, &m.NotifyURL,
		&m.Status, &m.FailReason, &m.FailMsg, &m.Currency, &m.Amount, utc{&m.PaymentCreatedAt}, utc{&m.PaymentTime},
		utc{&m.CreatedAt}, utc{&m.NextAttemptAt}, &m.Attempts, &m.LeaseOwner, utc{&m.LeaseUntil},
		utc{&m.DeliveredAt}, &m.Parked, &m.LastError,
		&m.ExtendInfo, &m.RefundID, &m.RefundRequestID, &m.CaptureID, &m.CaptureRequestID)
	return m, err
}

// jsonStrings encodes ss as a JSON array ("[]" for none), for a query that
// reads a list parameter with json_each. A string that is not valid UTF-8
// has no faithful JSON form and is refused.
func jsonStrings(ss []string) (string, error) {
	for _, v := range ss {
		if !utf8.ValidString(v) {
			return "", fmt.Errorf("%q is not valid UTF-8", v)
		}
	}
	if ss == nil {
		ss = []string{}
	}
	b, err := json.Marshal(ss)
	return string(b), err
}

// placeholders returns "?, ?, ..." with n marks.
func placeholders(n int) string {
	b := make([]byte, 0, 3*n)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}

// columnList splits a column list such as paymentColumns into names.
func columnList(columns string) []string {
	names := strings.Split(columns, ",")
	for i, n := range names {
		names[i] = strings.TrimSpace(n)
	}
	return names
}

// insertInto returns an INSERT of every column in columns.
func insertInto(table, columns string) string {
	return "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders(len(columnList(columns))) + ")"
}

// assignments returns "c1 = ?, c2 = ?, ..." for the columns after the
// first skip of columns.
func assignments(columns string, skip int) string {
	names := columnList(columns)[skip:]
	for i, n := range names {
		names[i] = n + " = ?"
	}
	return strings.Join(names, ", ")
}
