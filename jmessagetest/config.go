package jmessagetest

import "net/http"

func routeConfig(s *Server) {
	s.handle("PUT /v1/sdkregister/status", http.StatusNoContent, setSDKRegister)
	s.handleRead("GET /v1/sdkregister/status", http.StatusOK, sdkRegister)
}

func setSDKRegister(c *call) (any, error) {
	on, err := c.boolQuery("status", "1", "0")
	if err := firstErr(err, c.noBody()); err != nil {
		return nil, err
	}
	c.app.sdkRegOpen = on
	return nil, nil
}

func sdkRegister(c *call) (any, error) { return statusWire(c.app.sdkRegOpen), nil }
