package console

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"

	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/ear"
	"github.com/clearance-oss/clearance/lists/snapshot"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/store"
)

// BenchmarkScreenPage measures a full screening round trip through the
// console on the default snapshot: session lookup, app.Service.Screen,
// the audit append (SQLite), and rendering the results with explanations.
//
//	go test ./console -run '^$' -bench ScreenPage -benchtime 200x
func BenchmarkScreenPage(b *testing.B) {
	snap, err := snapshot.Default()
	if err != nil {
		b.Fatal(err)
	}
	ix := match.NewIndex(snap.Entities)
	eng, err := ear.New(ix)
	if err != nil {
		b.Fatal(err)
	}
	s := newStackIndex(b, ix, app.SnapshotInfo(snap), app.EARChecker{Engine: eng})
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(s.srv.URL + "/login")
	if err != nil {
		b.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(page)
	up := testUsers[store.RoleAnalyst]
	resp, err = c.PostForm(s.srv.URL+"/login", url.Values{"csrf": {string(m[1])}, "username": {up[0]}, "password": {up[1]}})
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("sign in: %v %v", err, resp.Status)
	}
	resp.Body.Close()
	names := []string{"Hikvision", "Huawei Technologies", "Rosoboronexport", "Banco Nacional de Cuba", "Acme Widgets Ltd"}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		resp, err := c.Get(s.srv.URL + "/screen?name=" + url.QueryEscape(names[i%len(names)]))
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || n == 0 {
			b.Fatalf("screen: %s", resp.Status)
		}
	}
}
