package cashier

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash"
)

// tokenContext separates cashier tokens from anything else signed with the
// same key.
const tokenContext = "paystate cashier form v1"

// token returns the form token of a payment for a user: an HMAC-SHA256
// under Config.Key of the payment id and the user id. A page shown to one
// user cannot be replayed by another site for another user, nor for
// another payment, and nobody without the key can make one.
func (h *Handler) token(paymentID, user string) string {
	m := hmac.New(sha256.New, h.cfg.Key)
	writeField(m, tokenContext)
	writeField(m, paymentID)
	writeField(m, user)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validToken reports, in constant time, whether given is the token of the
// payment for the user.
func (h *Handler) validToken(given, paymentID, user string) bool {
	return hmac.Equal([]byte(given), []byte(h.token(paymentID, user)))
}

// writeField writes s length-prefixed, so that no two field lists collide.
func writeField(m hash.Hash, s string) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(s)))
	m.Write(n[:])
	m.Write([]byte(s))
}
