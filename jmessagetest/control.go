package jmessagetest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/jmessage-go/jmessage"
)

// ControlHandler returns an http.Handler through which programs in any
// language arrange and inspect the server, as Go tests do with its
// methods. The jmessage-fake command mounts it under /_fake. It checks no
// credentials: serve it on loopback only. Paths are relative to where it is
// mounted; answers are JSON.
//
//	POST   /reset                                   Reset
//	GET    /now                                     {"now": RFC 3339 time}
//	POST   /advance?by=3m10s                        Advance by a Go duration
//	GET    /apps/{appkey}/messages                  the app's Messages
//	GET    /apps/{appkey}/users/{username}          a UserState (404 if none)
//	PUT    /apps/{appkey}/users/{username}/devices  SetDevices, body [Device…]
//	POST   /apps/{appkey}/messages                  Inject, body {"from","from_name","platform",
//	                                                "time" (RFC 3339),"target_type","target_id",
//	                                                "target_appkey","msg_type","msg_body"}: the Message
//	PUT    /apps/{appkey}/routing                   SetRouting, body {"url": "…"} ("" turns it off)
//	GET    /apps/{appkey}/deliveries                the app's Deliveries
//	GET    /apps/{appkey}/groups/{gid}              a GroupState (404 if none)
//	GET    /apps/{appkey}/chatrooms/{id}            a ChatroomState (404 if none)
//	POST   /faults                                  InjectFault, body {"method","path","times",
//	                                                "latency_ms","status","code","message","headers"}
//	POST   /ratelimit?method=&path=&n=&retry_after=2s  RateLimitNext
//	PUT    /quota?n=100&window=1m                   SetRateLimit (n=0 turns it off)
//	DELETE /faults                                  ClearFaults
func (s *Server) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, r *http.Request) {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /now", func(w http.ResponseWriter, r *http.Request) {
		controlJSON(w, map[string]time.Time{"now": s.Now()})
	})
	mux.HandleFunc("POST /advance", s.controlAdvance)
	mux.HandleFunc("GET /apps/{appkey}/messages", func(w http.ResponseWriter, r *http.Request) {
		if a := s.controlApp(w, r); a != nil {
			controlJSON(w, orEmpty(a.Messages()))
		}
	})
	mux.HandleFunc("GET /apps/{appkey}/users/{username}", s.controlUser)
	mux.HandleFunc("PUT /apps/{appkey}/users/{username}/devices", s.controlDevices)
	mux.HandleFunc("POST /apps/{appkey}/messages", s.controlInject)
	mux.HandleFunc("PUT /apps/{appkey}/routing", s.controlRouting)
	mux.HandleFunc("GET /apps/{appkey}/deliveries", func(w http.ResponseWriter, r *http.Request) {
		if a := s.controlApp(w, r); a != nil {
			controlJSON(w, orEmpty(a.Deliveries()))
		}
	})
	mux.HandleFunc("GET /apps/{appkey}/groups/{gid}", func(w http.ResponseWriter, r *http.Request) {
		controlSnapshot(w, s.controlApp(w, r), r.PathValue("gid"), func(a *App, gid int64) (GroupState, bool) {
			g, ok := a.Group(gid)
			g.Members = orEmpty(g.Members)
			return g, ok
		})
	})
	mux.HandleFunc("GET /apps/{appkey}/chatrooms/{id}", func(w http.ResponseWriter, r *http.Request) {
		controlSnapshot(w, s.controlApp(w, r), r.PathValue("id"), func(a *App, id int64) (ChatroomState, bool) {
			room, ok := a.Chatroom(id)
			room.Members = orEmpty(room.Members)
			return room, ok
		})
	})
	mux.HandleFunc("POST /faults", s.controlFault)
	mux.HandleFunc("POST /ratelimit", s.controlRateLimitNext)
	mux.HandleFunc("PUT /quota", s.controlQuota)
	mux.HandleFunc("DELETE /faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

func (s *Server) controlAdvance(w http.ResponseWriter, r *http.Request) {
	d, err := time.ParseDuration(r.URL.Query().Get("by"))
	if err != nil || d < 0 {
		http.Error(w, "by must be a non-negative Go duration such as 3m10s", http.StatusBadRequest)
		return
	}
	s.Advance(d)
	controlJSON(w, map[string]time.Time{"now": s.Now()})
}

// controlApp returns the app of the {appkey} path value, or answers 404.
func (s *Server) controlApp(w http.ResponseWriter, r *http.Request) *App {
	a := s.AppByKey(r.PathValue("appkey"))
	if a == nil {
		http.Error(w, "no such app", http.StatusNotFound)
	}
	return a
}

func (s *Server) controlUser(w http.ResponseWriter, r *http.Request) {
	if a := s.controlApp(w, r); a != nil {
		if u, ok := a.User(r.PathValue("username")); ok {
			controlJSON(w, u.emptyLists())
			return
		}
		http.Error(w, "no such user", http.StatusNotFound)
	}
}

func (s *Server) controlDevices(w http.ResponseWriter, r *http.Request) {
	a := s.controlApp(w, r)
	if a == nil {
		return
	}
	var devices []Device
	if err := json.NewDecoder(r.Body).Decode(&devices); err != nil {
		http.Error(w, "body must be a JSON array of devices", http.StatusBadRequest)
		return
	}
	if !a.SetDevices(r.PathValue("username"), devices...) {
		http.Error(w, "no such user", http.StatusNotFound)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) controlFault(w http.ResponseWriter, r *http.Request) {
	var f struct {
		Method    string              `json:"method"`
		Path      string              `json:"path"`
		Times     int                 `json:"times"`
		LatencyMS int64               `json:"latency_ms"`
		Status    int                 `json:"status"`
		Code      int                 `json:"code"`
		Message   string              `json:"message"`
		Headers   map[string][]string `json:"headers"`
	}
	if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
		http.Error(w, "body must be a JSON fault", http.StatusBadRequest)
		return
	}
	s.InjectFault(Fault{Method: f.Method, Path: f.Path, Times: f.Times, Latency: time.Duration(f.LatencyMS) * time.Millisecond,
		Status: f.Status, Code: jmessage.ErrorCode(f.Code), Message: f.Message, Header: http.Header(f.Headers)})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) controlRateLimitNext(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d, err := time.ParseDuration(q.Get("retry_after"))
	if err != nil {
		http.Error(w, "retry_after must be a Go duration such as 2s", http.StatusBadRequest)
		return
	}
	n := 1
	if v := q.Get("n"); v != "" {
		if n, err = strconv.Atoi(v); err != nil {
			http.Error(w, "n must be a number", http.StatusBadRequest)
			return
		}
	}
	s.RateLimitNext(q.Get("method"), q.Get("path"), n, d)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) controlQuota(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, err := strconv.Atoi(q.Get("n"))
	window, werr := time.ParseDuration(cmp.Or(q.Get("window"), "0s"))
	if err == nil && werr == nil {
		err = s.SetRateLimit(n, window)
	}
	if err != nil || werr != nil {
		http.Error(w, "n must be a number of requests and window a Go duration such as 1m", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// controlSnapshot answers get(a, id) for a's group or chatroom id, 404
// when there is none.
func controlSnapshot[T any](w http.ResponseWriter, a *App, id string, get func(*App, int64) (T, bool)) {
	if a == nil {
		return
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		http.Error(w, "the id must be a number", http.StatusBadRequest)
		return
	}
	v, ok := get(a, n)
	if !ok {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	controlJSON(w, v)
}

// orEmpty returns s, or an empty slice for nil: the control API answers
// [] rather than null, which programs in other languages read more easily.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// emptyLists returns u with its nil lists made empty (see orEmpty).
func (u UserState) emptyLists() UserState {
	u.Blacklist, u.NoDisturbUsers, u.NoDisturbGroups = orEmpty(u.Blacklist), orEmpty(u.NoDisturbUsers), orEmpty(u.NoDisturbGroups)
	u.Devices, u.Friends, u.GroupShields = orEmpty(u.Devices), orEmpty(u.Friends), orEmpty(u.GroupShields)
	u.CrossBlacklist, u.NoDisturbCrossUsers = orEmpty(u.CrossBlacklist), orEmpty(u.NoDisturbCrossUsers)
	return u
}

func controlJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// controlInject injects the device message of the request's body.
func (s *Server) controlInject(w http.ResponseWriter, r *http.Request) {
	a := s.controlApp(w, r)
	if a == nil {
		return
	}
	var wire struct {
		From         string          `json:"from"`
		FromName     string          `json:"from_name"`
		Platform     string          `json:"platform"`
		Time         time.Time       `json:"time"`
		TargetType   string          `json:"target_type"`
		TargetID     string          `json:"target_id"`
		TargetAppKey string          `json:"target_appkey"`
		MsgType      string          `json:"msg_type"`
		MsgBody      json.RawMessage `json:"msg_body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&wire); err != nil {
		http.Error(w, "body must be a JSON device message", http.StatusBadRequest)
		return
	}
	m, err := a.Inject(DeviceMessage{From: wire.From, FromName: wire.FromName, Platform: wire.Platform, Time: wire.Time,
		To:   jmessage.Target{Type: jmessage.TargetType(wire.TargetType), ID: wire.TargetID, AppKey: wire.TargetAppKey},
		Type: wire.MsgType, Body: wire.MsgBody})
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	controlJSON(w, m)
}

// controlRouting sets the app's routing URL from {"url": "…"}.
func (s *Server) controlRouting(w http.ResponseWriter, r *http.Request) {
	a := s.controlApp(w, r)
	if a == nil {
		return
	}
	var in struct {
		URL string `json:"url"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, `body must be {"url": "…"}`, http.StatusBadRequest)
		return
	}
	if err := a.SetRouting(in.URL); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
