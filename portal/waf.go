package portal

import (
	"encoding/base64"
	"net/http"
)

// WAF and anti-bot responses (portals.md §4.3). They imitate the response
// only; nothing a crawler sends makes them go away, so a crawler that
// retries them loops forever — it must classify and give up.

// ruishu is a 412 瑞数 challenge: a cookie whose name ends in S, a
// <meta … r='m'> seed and a $_ts script.
var ruishu = &resource{status: http.StatusPreconditionFailed, ctype: "text/html; charset=utf-8",
	headers: [][2]string{{"Set-Cookie", "FSSBBIl1UgzbN7N80S=8sLrMWxQ2MpuF0JWnEyPrjWq6x2UQu0RoA9eNZjVDbPPb4qBb0YVcjBFWjmrg8Ut; Path=/; expires=Mon, 22 Nov 2027 10:03:34 GMT; HttpOnly"}},
	body: []byte(`<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">` +
		`<meta id="9DhefwqGPrzGxEp9hPaoag" content="YtB_F2Sv6b9Hlr7vV2pPvlGkxCLXw8oCXEq_HDbCvJ3Tkp0mL5DGg0Yw1fRw" r='m'>` +
		`<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=84136;$_ts.cd="qqqqrrAlDqGcrrAlqGWcrGZtqAlqqpAdqqVcxGQarraqwGlqiRZrwAVuqqEtqGVqrc";</script>` +
		`<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/d.FxJzG50F.dfe1675.js" r='m'></script></head><body></body></html>`)}

// jiasule is a 521 加速乐 cookie script.
var jiasule = &resource{status: 521, ctype: "text/html",
	headers: [][2]string{{"Set-Cookie", "__jsluid_s=9d9b2fb1f6c3f1e39a0d3a1c7b1e8e44; max-age=31536000; path=/; HttpOnly"}},
	body:    []byte(`<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+('a')+('n')+('c')+('e')+('_')+('s')+('=')+('1')+('7')+('3')+('2')+('5')+('1')+('4')+('8')+('6')+('5')+('.')+('3')+('7')+('7')+('|')+('0')+('|')+('J')+('o')+('Y')+('q')+('%')+('2')+('F')+('k')+';max-age=3600;path=/';location.href=location.pathname+location.search</script>`)}

// wafPages are the challenges BlockSite can put a site behind.
var wafPages = map[string]*resource{"ruishu": ruishu, "jiasule": jiasule, "wzws": wzwsPage}

// wzwsPage is the 网站卫士 200 challenge.
var wzwsPage = &resource{status: http.StatusOK, ctype: "text/html; charset=utf-8",
	headers: [][2]string{{"Set-Cookie", "wzws_sessionid=gWE5ZDE2NjWCZjY5ZjI3gAAxMjcuMC4wLjGgZ0Q3xA==; path=/; HttpOnly"}},
	body: []byte(`<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head><body>` +
		`<noscript>请开启JavaScript并刷新该页</noscript><script type="text/javascript">var wzwschallenge="RANDOMSTR25438";var wzwschallengex="STRRANDOM25438";` +
		`var template=5;var encoderchars="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";function KTKY2RBD9NHPBCIHV9ZMEQQDARSLVFDU(str){return str;}` +
		`location.href="/WZWSREL" + "L2luZGV4Lmh0bWw=" + "?wzwschallenge=" + KTKY2RBD9NHPBCIHV9ZMEQQDARSLVFDU(wzwschallenge);</script></body></html>`)}

// wzwsRedirect answers 302 to /WZWSREL<base64(path)>?wzwschallenge=….
func wzwsRedirect(path string) *resource {
	loc := "/WZWSREL" + base64.StdEncoding.EncodeToString([]byte(path)) + "?wzwschallenge=V1pXU19DT05GSVJNX1BSRUZJWF9MQUJFTDE0ODI3"
	return &resource{handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", loc)
		w.Header().Set("Set-Cookie", "wzws_cid=8a1c63f0d1e2e4b6a0d5c2f7b0c1e5f9; path=/; HttpOnly")
		w.WriteHeader(http.StatusFound)
	}}
}
