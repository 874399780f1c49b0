package verifier

import "net"

// netDialer opens raw TCP connections so a test can send a body shorter
// than its Content-Length, which net/http's client refuses to do.
type netDialer struct{}

func (netDialer) dial(addr string) (*net.TCPConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return c.(*net.TCPConn), nil
}
