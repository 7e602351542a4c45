package alipayplus

import (
	"sync"
	"time"
)

// How the transport signs its own refusals (decision 88): a request
// refused before it proved who sent it must not cost an RSA signature
// each time, so refusals are signed once and the signed
// answer is reused while it is fresh; new refusals beyond a small signing
// budget go out unsigned.
const (
	// rejectionAnswerTTL is how long a signed refusal is reused: its
	// Response-Time is at most this old, far inside the 5 minutes of skew
	// merchants' SDKs allow.
	rejectionAnswerTTL = 30 * time.Second
	// maxCachedRejections bounds the cache. Its key is the signed path,
	// the answer's Client-Id and the body; all but the path are a short
	// fixed list, and the wallet's own paths are ten.
	maxCachedRejections = 256
	// rejectionSignBurst and rejectionSignsPerSecond are the budget of
	// fresh signatures for refusals: a burst, refilled at this rate (at
	// most about 3% of one core for RSA-2048).
	rejectionSignBurst      = 1024
	rejectionSignsPerSecond = 32
)

// rejectionSigner keeps signed refusals and the signing budget. It is safe
// for concurrent use.
type rejectionSigner struct {
	// elapsed reads a monotonic clock for the budget (time.Now; tests
	// replace it). The freshness of cached answers follows the handler's
	// clock, which also writes their Response-Time.
	elapsed func() time.Time
	// burst and perSecond are the budget (rejectionSignBurst,
	// rejectionSignsPerSecond; tests make them small).
	burst, perSecond float64

	mu       sync.Mutex
	answers  map[string]signedRefusal
	tokens   float64
	refilled time.Time
}

// signedRefusal is a refusal's Response-Time and Signature header value.
type signedRefusal struct {
	responseTime string
	signature    string
	at           time.Time // the handler's clock when it was signed
}

func newRejectionSigner() *rejectionSigner {
	return &rejectionSigner{elapsed: time.Now, burst: rejectionSignBurst, perSecond: rejectionSignsPerSecond,
		answers: map[string]signedRefusal{}, tokens: rejectionSignBurst}
}

// headers returns the Response-Time and Signature header of the refusal
// with cache key key at time now: a cached one while fresh, else one sign
// makes (given the Response-Time to sign) while the budget allows. ok is
// false when the budget is spent or sign failed: the refusal then goes out
// with respTime and no signature.
func (s *rejectionSigner) headers(key string, now time.Time, respTime string, sign func(respTime string) (string, error)) (string, string, bool) {
	s.mu.Lock()
	if a, hit := s.answers[key]; hit && fresh(a.at, now) {
		s.mu.Unlock()
		return a.responseTime, a.signature, true
	}
	if !s.spend() {
		s.mu.Unlock()
		return respTime, "", false
	}
	s.mu.Unlock()

	sig, err := sign(respTime) // outside the lock: signing is the slow part
	if err != nil {
		return respTime, "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.answers) >= maxCachedRejections {
		for k, a := range s.answers {
			if !fresh(a.at, now) {
				delete(s.answers, k)
			}
		}
	}
	if len(s.answers) < maxCachedRejections {
		s.answers[key] = signedRefusal{responseTime: respTime, signature: sig, at: now}
	}
	return respTime, sig, true
}

// spend takes one signature from the budget, refilling it first; false
// when none is left. Call with s.mu held.
func (s *rejectionSigner) spend() bool {
	t := s.elapsed()
	if !s.refilled.IsZero() {
		s.tokens = min(s.burst, s.tokens+t.Sub(s.refilled).Seconds()*s.perSecond)
	}
	s.refilled = t
	if s.tokens < 1 {
		return false
	}
	s.tokens--
	return true
}

// fresh reports whether an answer signed at `at` may still be sent at now.
func fresh(at, now time.Time) bool {
	age := now.Sub(at)
	return age >= 0 && age < rejectionAnswerTTL
}
