package jmessagetest

import (
	"net/http"
	"slices"
	"time"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/internal/rules"
)

// Limits of the sensitive-word area.
const (
	// SensitiveWordQuota is how many sensitive words an app may hold (the
	// API's default quota).
	SensitiveWordQuota = rules.SensitiveWordQuota
)

func routeSensitive(s *Server) {
	s.handle("POST /v1/sensitiveword", http.StatusNoContent, addWords)
	s.handle("PUT /v1/sensitiveword", http.StatusNoContent, updateWord)
	s.handle("DELETE /v1/sensitiveword", http.StatusNoContent, deleteWord)
	s.handleRead("GET /v1/sensitiveword", http.StatusOK, listWords)
	s.handle("PUT /v1/sensitiveword/status", http.StatusNoContent, setWordsStatus)
	s.handleRead("GET /v1/sensitiveword/status", http.StatusOK, wordsStatus)
}

type sensitiveWord struct {
	name  string
	itime time.Time
}

func (a *appState) wordIndex(w string) int {
	return slices.IndexFunc(a.words, func(sw sensitiveWord) bool { return sw.name == w })
}

// addWords adds 1–10 character words; words already present are skipped.
// Going over the quota is a 899003 and adds none.
func addWords(c *call) (any, error) {
	var words []string
	if err := firstErr(c.decode(&words), checkField("words", rules.Count(len(words), 1, SensitiveWordQuota))); err != nil {
		return nil, err
	}
	next := slices.Clone(c.app.words)
	for _, w := range words {
		if err := checkField("word", rules.SensitiveWord(w)); err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(next, func(sw sensitiveWord) bool { return sw.name == w }) {
			next = append(next, sensitiveWord{name: w, itime: c.now()})
		}
	}
	if len(next) > SensitiveWordQuota {
		return nil, fail(jmessage.ErrInvalidParameter, "an app holds at most %d sensitive words", SensitiveWordQuota)
	}
	c.app.words = next
	return nil, nil
}

// updateWord replaces old_word, which must exist, with new_word, which must not.
func updateWord(c *call) (any, error) {
	var in struct {
		NewWord string `json:"new_word"`
		OldWord string `json:"old_word"`
	}
	if err := firstErr(c.decode(&in), checkField("new_word", rules.SensitiveWord(in.NewWord)),
		checkField("old_word", rules.SensitiveWord(in.OldWord))); err != nil {
		return nil, err
	}
	i := c.app.wordIndex(in.OldWord)
	switch {
	case i < 0:
		return nil, fail(jmessage.ErrInvalidParameter, "sensitive word %q not exist", in.OldWord)
	case in.NewWord != in.OldWord && c.app.wordIndex(in.NewWord) >= 0:
		return nil, fail(jmessage.ErrInvalidParameter, "sensitive word %q already exists", in.NewWord)
	}
	c.app.words[i] = sensitiveWord{name: in.NewWord, itime: c.now()}
	return nil, nil
}

// deleteWord deletes a word, which must exist.
func deleteWord(c *call) (any, error) {
	var in struct {
		Word string `json:"word"`
	}
	if err := firstErr(c.decode(&in), checkField("word", rules.SensitiveWord(in.Word))); err != nil {
		return nil, err
	}
	i := c.app.wordIndex(in.Word)
	if i < 0 {
		return nil, fail(jmessage.ErrInvalidParameter, "sensitive word %q not exist", in.Word)
	}
	c.app.words = slices.Delete(slices.Clone(c.app.words), i, i+1)
	return nil, nil
}

type wordWire struct {
	Name  string `json:"name"`
	ITime string `json:"itime"`
}

func listWords(c *call) (any, error) {
	start, count, err := c.page(rules.MaxSensitiveListCount)
	if err != nil {
		return nil, err
	}
	all := make([]wordWire, len(c.app.words))
	for i, w := range c.app.words {
		all[i] = wordWire{Name: w.name, ITime: formatTime(w.itime)}
	}
	return pageOf("words", all, start, count), nil
}

func setWordsStatus(c *call) (any, error) {
	on, err := c.boolQuery("status", "1", "0")
	if err := firstErr(err, c.noBody()); err != nil {
		return nil, err
	}
	c.app.wordsOn = on
	return nil, nil
}

func wordsStatus(c *call) (any, error) { return statusWire(c.app.wordsOn), nil }

// statusWire is {"status": 0|1}.
func statusWire(on bool) map[string]int {
	if on {
		return map[string]int{"status": 1}
	}
	return map[string]int{"status": 0}
}
