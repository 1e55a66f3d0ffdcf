package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows how far a long command got: a live bar on a terminal,
// else a plain line at most every few seconds and at the end.
type progress struct {
	bar   *progressbar.ProgressBar // on a terminal
	w     io.Writer                // plain lines otherwise
	what  string
	total int // -1 when unknown
	last  time.Time
	done  int
	shown int // done as the last plain line showed it, -1 before the first
}

// plainEvery is the least time between two plain progress lines.
const plainEvery = 2 * time.Second

// newProgress starts showing the progress of total items (-1: unknown)
// named unit ("users"), described by what ("importing users").
func (a *app) newProgress(what, unit string, total int) *progress {
	p := &progress{w: a.stderr, what: what, total: total, shown: -1}
	if a.tty {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(a.stderr),
			progressbar.OptionSetDescription(what),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString(unit),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(total > 0),
			progressbar.OptionFullWidth(),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(a.stderr) }),
		)
	}
	return p
}

// set records that done items are finished.
func (p *progress) set(done int) {
	p.done = done
	if p.bar != nil {
		_ = p.bar.Set(done)
		return
	}
	if now := time.Now(); now.Sub(p.last) >= plainEvery {
		p.last = now
		p.line()
	}
}

// add records n more finished items.
func (p *progress) add(n int) { p.set(p.done + n) }

// finish draws the last state.
func (p *progress) finish() {
	if p.bar != nil {
		if !p.bar.IsFinished() { // a finished bar ended its line itself
			_ = p.bar.RenderBlank() // the last count, which the throttle may have held back
			fmt.Fprintln(p.w)
		}
		return
	}
	if p.shown != p.done {
		p.line()
	}
}

func (p *progress) line() {
	p.shown = p.done
	if p.total < 0 {
		fmt.Fprintf(p.w, "%s: %d\n", p.what, p.done)
		return
	}
	pct := 100
	if p.total > 0 {
		pct = p.done * 100 / p.total
	}
	fmt.Fprintf(p.w, "%s: %d/%d (%d%%)\n", p.what, p.done, p.total, pct)
}
