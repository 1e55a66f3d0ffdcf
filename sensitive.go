package jmessage

import (
	"context"
	"iter"
	"math"
	"net/http"
)

// SensitiveWordsService manages the app's sensitive-word filter.
type SensitiveWordsService service

// SensitiveWord is a word of the filter.
type SensitiveWord struct {
	// Word is the word itself (wire name "name").
	Word string `json:"name"`
	// ITime is when the word was added.
	ITime Time `json:"itime"`
}

// Add adds words to the filter, each of 1–10 characters.
//
// POST /v1/sensitiveword
func (s *SensitiveWordsService) Add(ctx context.Context, words []string) (*Response, error) {
	return s.client.do(ctx, sensitiveAddCall().with(words,
		validateEach("words", words, math.MaxInt, func(w, field string) error { return validateSensitiveWord(field, w) })), nil)
}

// sensitiveAddCall is Add's call, without its body.
func sensitiveAddCall() request { return request{method: http.MethodPost, path: "/v1/sensitiveword"} }

// wordUpdate is Update's body.
type wordUpdate struct {
	NewWord string `json:"new_word"`
	OldWord string `json:"old_word"`
}

// Update replaces oldWord with newWord (each 1–10 characters).
//
// PUT /v1/sensitiveword
func (s *SensitiveWordsService) Update(ctx context.Context, oldWord, newWord string) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPut, path: "/v1/sensitiveword",
		body:    wordUpdate{NewWord: newWord, OldWord: oldWord},
		invalid: firstError(validateSensitiveWord("old_word", oldWord), validateSensitiveWord("new_word", newWord))}, nil)
}

// Delete removes a word from the filter.
//
// DELETE /v1/sensitiveword (with a JSON body)
func (s *SensitiveWordsService) Delete(ctx context.Context, word string) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodDelete, path: "/v1/sensitiveword",
		body: struct {
			Word string `json:"word"`
		}{word}, invalid: validateSensitiveWord("word", word)}, nil)
}

// List returns one page of the filter's words (Count at most 2000; zero
// means 2000).
//
// GET /v1/sensitiveword?start={start}&count={count}
func (s *SensitiveWordsService) List(ctx context.Context, opts ListOptions) (*Page[SensitiveWord], *Response, error) {
	return listPage[SensitiveWord](ctx, s.client, request{method: http.MethodGet, path: "/v1/sensitiveword"}, opts,
		capped(MaxSensitiveListCount))
}

// All iterates over every word of the filter from opts.Start, fetching
// pages of opts.Count (zero means 2000) as it goes. It yields an error once
// and stops.
//
// GET /v1/sensitiveword?start={start}&count={count} (once per page)
func (s *SensitiveWordsService) All(ctx context.Context, opts ListOptions) iter.Seq2[SensitiveWord, error] {
	return paginate(ctx, opts, capped(MaxSensitiveListCount), s.List)
}

// SetEnabled turns the sensitive-word filter on (enabled true) or off.
//
// PUT /v1/sensitiveword/status?status=1|0
func (s *SensitiveWordsService) SetEnabled(ctx context.Context, enabled bool) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPut, path: "/v1/sensitiveword/status", query: statusQuery(enabled)}, nil)
}

// Enabled reports whether the sensitive-word filter is on.
//
// GET /v1/sensitiveword/status
func (s *SensitiveWordsService) Enabled(ctx context.Context) (bool, *Response, error) {
	return getSwitch(ctx, s.client, "/v1/sensitiveword/status")
}
