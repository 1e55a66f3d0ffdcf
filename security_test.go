package jmessage_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// Passwords the secrets test sends; none may be printed anywhere.
const (
	registerPassword = "register-pass-0001"
	newPassword      = "new-password-0002"
	extrasPassword   = "extras-pass-0003"
)

// secretsServer answers the calls of TestSecretsStayOutOfLogsAndErrors.
func secretsServer(t *testing.T) string {
	t.Helper()
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		switch r.Method + " " + r.URL.Path {
		case "POST /v1/users/":
			jsonHandler(201, `[{"username":"javen","error":{"code":899001,"message":"user exist"}}]`)(w, r)
		case "PUT /v1/users/javen/password":
			jsonHandler(400, `{"error":{"code":899003,"message":"bad password"}}`)(w, r)
		case "PUT /v1/users/javen":
			jsonHandler(204, "")(w, r)
		case "GET /v1/users/javen":
			if gets.Add(1) == 1 {
				jsonHandler(503, `{"error":{"code":899030,"message":"busy"}}`)(w, r)
				return
			}
			jsonHandler(401, `{"error":{"code":899008,"message":"Basic authentication failed"}}`)(w, r)
		case "POST /v1/messages":
			jsonHandler(201, `{"msg_id":1,"msg_ctime":1493794522950}`)(w, r)
		default:
			jsonHandler(404, "")(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestSecretsStayOutOfLogsAndErrors(t *testing.T) {
	t.Parallel()
	handlers := map[string]func(io.Writer) slog.Handler{
		"text": func(w io.Writer) slog.Handler {
			return slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.Level(-16), AddSource: true})
		},
		"json": func(w io.Writer) slog.Handler {
			return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.Level(-16), AddSource: true})
		},
	}
	for name, newHandler := range handlers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			logger := slog.New(newHandler(&logs))
			opts := []jmessage.Option{jmessage.WithLogger(logger), jmessage.WithDebugBodies(), jmessage.WithRetryPolicy(fastRetries)}
			c := serverClient(t, secretsServer(t), opts...)
			refused, err := jmessage.New(testAppKey, testSecret, append(opts, jmessage.WithBaseURL(refusedURL(t)))...)
			require.NoError(t, err)

			ctx := t.Context()
			var errs []error
			results, _, err := c.Users.RegisterBatch(ctx, []jmessage.NewUser{{Username: "javen", Password: registerPassword}})
			require.NoError(t, err)
			require.Len(t, results, 1)
			errs = append(errs, results[0].Err)
			_, err = c.Users.SetPassword(ctx, "javen", newPassword)
			errs = append(errs, err)
			_, err = c.Users.Update(ctx, "javen", jmessage.UserUpdate{Extras: map[string]any{"password": extrasPassword}})
			require.NoError(t, err)
			_, _, err = c.Users.Get(ctx, "javen")
			require.ErrorIs(t, err, jmessage.ErrAuthFailed)
			errs = append(errs, err)
			_, _, err = c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin("admin"), To: jmessage.ToUser("javen"),
				Body: jmessage.Text{Text: "hello"}})
			require.NoError(t, err)
			_, _, err = refused.Users.RegisterBatch(ctx, []jmessage.NewUser{{Username: "javen", Password: registerPassword}})
			errs = append(errs, err)
			_, err = jmessage.New("bad", testSecret)
			errs = append(errs, err)
			for _, level := range []slog.Level{slog.LevelDebug - 4, slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
				logger.Log(ctx, level, "client", "client", c, "options", opts)
			}

			var printed []string
			printed = append(printed, logs.String())
			for _, err := range errs {
				require.Error(t, err)
				printed = append(printed, err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
			}
			for _, v := range []any{c, *c, opts, jmessage.DefaultRetryPolicy()} {
				printed = append(printed, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%s", v))
			}
			token := strings.TrimPrefix(testAuth, "Basic ")
			for _, s := range printed {
				for _, secret := range []string{testSecret, token, registerPassword, newPassword, extrasPassword} {
					assert.NotContains(t, s, secret)
				}
			}

			// The logs are there, bodies included: the test would see a leak.
			out := logs.String()
			for _, want := range []string{"jmessage request", "jmessage retry", "request_body", "response_body",
				"/v1/users/javen/password", "[REDACTED]", "user exist", "hello"} {
				assert.Contains(t, out, want)
			}
		})
	}
}

func TestRedirectsAreRefused(t *testing.T) {
	t.Parallel()
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, permissive := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d permissive=%v", status, permissive), func(t *testing.T) {
				t.Parallel()
				var elsewhere atomic.Int32
				other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
				t.Cleanup(other.Close)
				url, seen := httpFault(t, func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other.URL+"/steal", status)
				})
				opts := []jmessage.Option{jmessage.WithBaseURL(url), jmessage.WithRetryPolicy(fastRetries)}
				if permissive {
					// A caller's client that follows redirects does not make the SDK follow them.
					opts = append(opts, jmessage.WithHTTPClient(&http.Client{
						CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}))
				}
				c, err := jmessage.New(testAppKey, testSecret, opts...)
				require.NoError(t, err)
				t.Cleanup(c.CloseIdleConnections)

				_, resp, err := c.Users.Get(t.Context(), "javen")
				var apiErr *jmessage.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, status, apiErr.HTTPStatus)
				assert.Equal(t, status, resp.StatusCode)
				_, _, err = c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromAdmin("admin"),
					To: jmessage.ToUser("javen"), Body: jmessage.Text{Text: "hello"}})
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, status, apiErr.HTTPStatus)

				assert.Zero(t, elsewhere.Load(), "the redirect target must never be asked")
				assert.Equal(t, int32(2), seen.Load(), "a redirect is an answer, not retried")
			})
		}
	}
}

func TestTLSVerificationIsNeverOff(t *testing.T) {
	t.Parallel()
	var seen atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		jsonHandler(200, `{"username":"javen"}`)(w, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)

	for name, opts := range map[string][]jmessage.Option{
		"default transport":     nil,
		"caller's empty client": {jmessage.WithHTTPClient(&http.Client{Timeout: time.Minute})},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := serverClient(t, srv.URL, append(opts, jmessage.WithRetryPolicy(fastRetries))...)
			_, _, err := c.Users.Get(t.Context(), "javen")
			var terr *jmessage.TransportError
			require.ErrorAs(t, err, &terr)
			var unknownCA x509.UnknownAuthorityError
			var verifyErr *tls.CertificateVerificationError
			assert.True(t, errors.As(err, &unknownCA) || errors.As(err, &verifyErr), "want a certificate error, got %v", err)
		})
	}
	t.Run("trusted", func(t *testing.T) {
		t.Parallel()
		// The same server is fine once its certificate is trusted: the
		// failures above are the certificate's, nothing else's.
		c := serverClient(t, srv.URL, jmessage.WithHTTPClient(srv.Client()))
		user, _, err := c.Users.Get(t.Context(), "javen")
		require.NoError(t, err)
		assert.Equal(t, "javen", user.Username)
		assert.Equal(t, int32(1), seen.Load(), "only the trusting client reached the handler")
	})
}

// TestResponsesNeverPrintTheSecret: a *Response (and the *APIError that
// carries one) holds the sent *http.Request, whose headers hold the
// credentials; printing or logging the response, as a caller debugging a
// failure would, prints none of them.
func TestResponsesNeverPrintTheSecret(t *testing.T) {
	t.Parallel()
	c := serverClient(t, secretsServer(t), jmessage.WithRetryPolicy(fastRetries))

	_, failed, getErr := c.Users.Get(t.Context(), "javen")
	require.ErrorIs(t, getErr, jmessage.ErrAuthFailed)
	_, sent, err := c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromAdmin("admin"),
		To: jmessage.ToUser("javen"), Body: jmessage.Text{Text: "hello"}})
	require.NoError(t, err)
	_, err = c.Users.SetPassword(t.Context(), "javen", newPassword)
	var apiErr *jmessage.APIError
	require.ErrorAs(t, err, &apiErr)

	var logs bytes.Buffer
	require.NotNil(t, failed.Request)
	require.NotNil(t, sent.Request)
	for _, h := range []slog.Handler{slog.NewJSONHandler(&logs, nil), slog.NewTextHandler(&logs, nil)} {
		slog.New(h).Error("call failed", "resp", failed, "sent", sent, "err", getErr, "apiErr", apiErr,
			"request", failed.Request, "sentRequest", sent.Request, "header", sent.Request.Header)
	}
	printed := []string{logs.String()}
	for _, v := range []any{failed, *failed, failed.Response, *failed.Response, sent, *sent, getErr, apiErr, *apiErr,
		failed.Request, *sent.Request, sent.Request.Header} {
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			printed = append(printed, fmt.Sprintf(verb, v))
		}
	}
	token := strings.TrimPrefix(testAuth, "Basic ")
	for _, s := range printed {
		for _, secret := range []string{testSecret, token, newPassword} {
			assert.NotContains(t, s, secret)
		}
	}
}

// TestDebugBodiesLogsTheFirst4KiB: WithDebugBodies logs at most the first
// 4 KiB of each body, the request's as well as the response's.
func TestDebugBodiesLogsTheFirst4KiB(t *testing.T) {
	t.Parallel()
	type logLine struct {
		RequestBody  *string `json:"request_body"`
		ResponseBody *string `json:"response_body"`
	}
	// debugClient logs bodies into a buffer of its own.
	debugClient := func(t *testing.T) (*jmessage.Client, *httpmock.MockTransport, *bytes.Buffer) {
		var logs bytes.Buffer
		logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c, mock := newTestClient(t, jmessage.WithLogger(logger), jmessage.WithDebugBodies())
		return c, mock, &logs
	}
	t.Run("request", func(t *testing.T) {
		t.Parallel()
		c, mock, logs := debugClient(t)
		seen := capture(mock, http.StatusNoContent, "")
		names := make([]string, jmessage.MaxDeleteBatch)
		for i := range names {
			names[i] = fmt.Sprintf("user_with_a_long_name_%080d", i) // 100 × ~104 bytes: over 4 KiB
		}
		_, err := c.Users.DeleteBatch(t.Context(), names)
		require.NoError(t, err)
		var line logLine
		require.NoError(t, json.Unmarshal(logs.Bytes(), &line))
		require.NotNil(t, line.RequestBody)
		assert.NotEmpty(t, *line.RequestBody)
		assert.LessOrEqual(t, len(*line.RequestBody), 4<<10)
		assert.True(t, strings.HasPrefix(*line.RequestBody, `["user_with_a_long_name_`))
		require.Len(t, seen(), 1)
		sent := seen()[0].body
		require.Greater(t, len(sent), 4<<10)
		assert.Equal(t, string(sent[:4<<10]), *line.RequestBody, "the first 4 KiB of what was sent")
	})
	t.Run("response", func(t *testing.T) {
		t.Parallel()
		c, mock, logs := debugClient(t)
		body := `{"username":"javen","signature":"` + strings.Repeat("s", 6<<10) + `"}`
		capture(mock, http.StatusOK, body)
		_, _, err := c.Users.Get(t.Context(), "javen")
		require.NoError(t, err)
		var line logLine
		require.NoError(t, json.Unmarshal(logs.Bytes(), &line))
		require.NotNil(t, line.ResponseBody)
		assert.Equal(t, body[:4<<10], *line.ResponseBody, "the first 4 KiB of what was answered")
	})
}
