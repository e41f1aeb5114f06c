package portal

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"sort"
	"time"
)

// makeCert creates a self-signed certificate naming every host that speaks
// TLS. The key is random (it is never served as content, so determinism of
// the fixture is unaffected). Called with p.mu held.
func (p *Portal) makeCert() (tls.Certificate, *x509.CertPool) {
	var names []string
	for n, v := range p.hosts {
		if v.scheme != schemeHTTPOnly {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(fmt.Sprintf("portal: tls key: %v", err)) // crypto/rand failing is not recoverable
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "nianbao imitation portal"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              names,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(fmt.Sprintf("portal: tls cert: %v", err))
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		panic(fmt.Sprintf("portal: tls cert parse: %v", err))
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// getCertificate refuses http-only hosts so their handshake fails, like
// Chaoyang's; unknown names get the certificate (and fail verification).
func (p *Portal) getCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	p.mu.RLock()
	v := p.hosts[hello.ServerName]
	p.mu.RUnlock()
	if v != nil && v.scheme == schemeHTTPOnly {
		return nil, fmt.Errorf("portal: %s does not speak TLS", hello.ServerName)
	}
	return &p.cert, nil
}
