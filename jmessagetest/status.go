package jmessagetest

import (
	"net/http"

	"github.com/jmessage-go/jmessage"
)

// statusOf is the HTTP status the server answers with code. The document
// shows only 401 for 899008; the fake answers 401 for authentication, 403
// for permission, 404 for a missing user, group, chatroom or message, 429
// for rate limits, 500/503 for server trouble and 400 for the rest.
func statusOf(code jmessage.ErrorCode) int {
	switch code {
	case jmessage.ErrMissingAuth, jmessage.ErrAuthFailed:
		return http.StatusUnauthorized
	case jmessage.ErrSendForbidden, jmessage.ErrAdminNotBlacklistable, jmessage.ErrNoCrossAppPermission,
		jmessage.ErrCrossAppRequired, jmessage.ErrRetractNotSender:
		return http.StatusForbidden
	case jmessage.ErrUserNotFound, jmessage.ErrGroupNotFound, jmessage.ErrAppKeyNotFound, jmessage.ErrNoDisturbGroupNotFound,
		jmessage.ErrChatroomNotFound, jmessage.ErrChatroomDeleteNotFound, jmessage.ErrMessageNotFound:
		return http.StatusNotFound
	case jmessage.ErrRateLimited:
		return http.StatusTooManyRequests
	case jmessage.ErrServerInternal:
		return http.StatusInternalServerError
	case jmessage.ErrServerBusy:
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}
