package jmessage

import (
	"net/url"
	"strconv"
	"strings"
)

// pathf builds a request path from a format whose %s verbs are replaced by
// segs, each escaped as one path segment ("a/b" cannot reach another path).
func pathf(format string, segs ...string) string {
	var b strings.Builder
	b.Grow(len(format) + 16*len(segs))
	for _, seg := range segs {
		i := strings.Index(format, "%s")
		if i < 0 {
			break
		}
		b.WriteString(format[:i])
		b.WriteString(url.PathEscape(seg))
		format = format[i+2:]
	}
	b.WriteString(format)
	return b.String()
}

// idSeg formats an id as a path segment.
func idSeg(id int64) string { return strconv.FormatInt(id, 10) }
