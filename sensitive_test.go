package jmessage_test

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

func TestSensitiveWordsEndpoints(t *testing.T) {
	t.Parallel()
	runEndpointTests(t, append(sensitiveSwitch.endpointTests(), []endpointTest{
		{
			name: "Add", method: "POST", path: "/v1/sensitiveword", request: "sensitive_add.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.SensitiveWords.Add(ctx, []string{"FUCK"}))
			},
		},
		{
			name: "Update", method: "PUT", path: "/v1/sensitiveword", request: "sensitive_update.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.SensitiveWords.Update(ctx, "FUCK", "fuck"))
			},
		},
		{
			name: "Delete", method: "DELETE", path: "/v1/sensitiveword", request: "sensitive_delete.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.SensitiveWords.Delete(ctx, "fuck"))
			},
		},
		{
			name: "List", method: "GET", path: "/v1/sensitiveword", query: url.Values{"start": {"2"}, "count": {"1"}},
			status: 200, response: "sensitive_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.SensitiveWords.List(ctx, jmessage.ListOptions{Start: 2, Count: 1})
			},
			want: &jmessage.Page[jmessage.SensitiveWord]{Total: 3, Start: 2, Count: 1,
				Items: []jmessage.SensitiveWord{{Word: "fuck", ITime: shanghaiTime("1970-01-17 16:49:11")}}},
		},
		{
			name: "List defaults count to 2000", method: "GET", path: "/v1/sensitiveword",
			query: url.Values{"start": {"0"}, "count": {"2000"}}, status: 200,
			response: `{"total":0,"start":0,"count":0,"words":[]}`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.SensitiveWords.List(ctx, jmessage.ListOptions{})
			},
			want: &jmessage.Page[jmessage.SensitiveWord]{Items: []jmessage.SensitiveWord{}},
		},
	}...))
}

func TestSensitiveWordsAcceptTenCharacters(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	seen := capture(mock, http.StatusNoContent, "")
	words := []string{strings.Repeat("w", 10), "敏感词敏感词敏感词敏"} // 10 characters, 30 bytes
	_, err := c.SensitiveWords.Add(t.Context(), words)
	require.NoError(t, err)
	require.Len(t, seen(), 1)
	assert.JSONEq(t, `["wwwwwwwwww","敏感词敏感词敏感词敏"]`, string(seen()[0].body))
}

func TestSensitiveWordsValidation(t *testing.T) {
	t.Parallel()
	eleven := strings.Repeat("敏", 11)
	runValidationTests(t, []validationTest{
		{"add none", "words", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.SensitiveWords.Add(ctx, nil))
		}},
		{"add 11 characters", "words[1]", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.SensitiveWords.Add(ctx, []string{"ok", eleven}))
		}},
		{"add 11 ASCII characters", "words[0]", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.SensitiveWords.Add(ctx, []string{strings.Repeat("w", 11)}))
		}},
		{"add empty word", "words[0]", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.SensitiveWords.Add(ctx, []string{""}))
		}},
		{"add invalid UTF-8", "words[0]", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.SensitiveWords.Add(ctx, []string{"\xff"}))
		}},
		{"update old word too long", "old_word", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.SensitiveWords.Update(ctx, eleven, "fuck"))
		}},
		{"update new word too long", "new_word", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.SensitiveWords.Update(ctx, "FUCK", eleven))
		}},
		{"delete empty", "word", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.SensitiveWords.Delete(ctx, ""))
		}},
		{"delete 11 characters", "word", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.SensitiveWords.Delete(ctx, eleven))
		}},
		{"update empty old word", "old_word", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.SensitiveWords.Update(ctx, "", "fuck"))
		}},
		{"update empty new word", "new_word", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.SensitiveWords.Update(ctx, "FUCK", ""))
		}},
		{"list count 2001", "count", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.SensitiveWords.List(ctx, jmessage.ListOptions{Count: 2001}))
		}},
		{"list negative start", "start", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.SensitiveWords.List(ctx, jmessage.ListOptions{Start: -1}))
		}},
		{"all count 2001", "count", func(ctx context.Context, c *jmessage.Client) error {
			for _, err := range c.SensitiveWords.All(ctx, jmessage.ListOptions{Count: 2001}) {
				return err
			}
			return nil
		}},
	})
}

var sensitiveAll = iteratorTest[jmessage.SensitiveWord]{path: "/v1/sensitiveword", key: "words", item: `{"name":"w1"}`,
	all: func(ctx context.Context, c *jmessage.Client, o jmessage.ListOptions) iter.Seq2[jmessage.SensitiveWord, error] {
		return c.SensitiveWords.All(ctx, o)
	}}

func TestSensitiveWordsAllWalksEveryPage(t *testing.T) {
	t.Parallel()
	got := sensitiveAll.walkPages(t, jmessage.ListOptions{Start: 1, Count: 2}, "2", map[string]string{
		"1": `{"total":4,"start":1,"count":2,"words":[{"name":"w1","itime":"2020-01-01 00:00:00"},{"name":"w2"}]}`,
		"3": `{"total":4,"start":3,"count":1,"words":[{"name":"w3"}]}`,
	}, []string{"1", "3"})
	var words []string
	for _, w := range got {
		words = append(words, w.Word)
	}
	assert.Equal(t, []string{"w1", "w2", "w3"}, words)
}

func TestSensitiveWordsAllStops(t *testing.T) {
	t.Parallel()
	runIteratorStops(t, sensitiveAll)
}
