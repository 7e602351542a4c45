package worker

import "time"

// nextAttempt says what follows a failed attempt of a message that had
// made attempts sends before it: the time of the next send, or park when
// the schedule is used up.
func (w *Worker) nextAttempt(attempts int, failedAt time.Time) (next time.Time, park bool) {
	if attempts >= len(w.cfg.Retries) {
		return time.Time{}, true
	}
	return failedAt.Add(w.jittered(w.cfg.Retries[attempts])), false
}

// jittered moves d by up to Jitter of itself, either way.
func (w *Worker) jittered(d time.Duration) time.Duration {
	if w.cfg.Jitter == 0 || d == 0 {
		return d
	}
	spread := (2*w.cfg.Rand() - 1) * w.cfg.Jitter
	return d + time.Duration(float64(d)*spread)
}
