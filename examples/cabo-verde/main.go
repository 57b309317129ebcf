// Command cabo-verde is an example third-party app: it uses only the generated client (package
// client) to browse Cabo Verde's opportunities in French, sign up, fill an investor profile,
// save an opportunity, make an API key and follow the change log with it, and check
// eligibility.
//
//	MARKETPLACE_URL=http://localhost:8080 go run ./examples/cabo-verde
//
// It prints what it does and exits with status 1 at the first answer it did not expect.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/diaspora-investor/marketplace/client"
)

func main() {
	base := os.Getenv("MARKETPLACE_URL")
	if base == "" {
		base = "http://localhost:8080"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, base, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cabo-verde:", err)
		os.Exit(1)
	}
}

// tour is the app's state as it goes.
type tour struct {
	api    *client.ClientWithResponses
	out    io.Writer
	access string // the investor's access token
	saved  client.Id
}

func run(ctx context.Context, base string, out io.Writer) error {
	api, err := client.NewClientWithResponses(base, client.WithHTTPClient(&http.Client{Timeout: 30 * time.Second}))
	if err != nil {
		return err
	}
	t := &tour{api: api, out: out}
	for _, step := range []struct {
		name string
		do   func(context.Context) error
	}{
		{"browse Cabo Verde's opportunities in French", t.browse},
		{"sign up and sign in", t.signUp},
		{"fill the investor profile", t.fillProfile},
		{"save an opportunity", t.save},
		{"make an API key and follow the change log with it", t.followChanges},
		{"check eligibility", t.eligibility},
	} {
		fmt.Fprintf(out, "== %s\n", step.name)
		if err := step.do(ctx); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
	}
	fmt.Fprintln(out, "== done")
	return nil
}

// unexpected describes an answer the app did not expect.
func unexpected(r interface{ StatusCode() int }, body []byte) error {
	return fmt.Errorf("unexpected answer %d: %s", r.StatusCode(), body)
}

func (t *tour) bearer(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", "Bearer "+t.access)
	return nil
}

func (t *tour) browse(ctx context.Context) error {
	lang, limit := client.Lang("fr"), client.Limit(5)
	params := &client.ListCountryOpportunitiesParams{Lang: &lang, Limit: &limit}
	for page := 1; page <= 2; page++ {
		r, err := t.api.ListCountryOpportunitiesWithResponse(ctx, "CV", params)
		if err != nil {
			return err
		}
		if r.JSON200 == nil {
			return unexpected(r, r.Body)
		}
		fmt.Fprintf(t.out, "page %d (Content-Language: %s)\n", page, r.HTTPResponse.Header.Get("Content-Language"))
		for _, o := range r.JSON200.Items {
			where := "Cabo Verde"
			if o.Region != nil {
				where = o.Region.Name
			}
			fmt.Fprintf(t.out, "  [%s] %s — %s\n", o.Lang, o.Title, where)
			if t.saved == "" {
				t.saved = o.Id
			}
		}
		if r.JSON200.NextCursor == nil {
			break
		}
		cursor := client.Cursor(*r.JSON200.NextCursor)
		params.Cursor = &cursor
	}
	if t.saved == "" {
		return errors.New("Cabo Verde has no published opportunity")
	}
	return nil
}

func (t *tour) signUp(ctx context.Context) error {
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	email := "investisseur." + hex.EncodeToString(suffix) + "@example.org"
	password := "une phrase de passe assez longue " + hex.EncodeToString(suffix)
	name, lang := "Ana Lopes", "fr"
	reg, err := t.api.RegisterWithResponse(ctx, nil, client.RegisterInput{Email: email, Password: password, DisplayName: &name, Lang: &lang})
	if err != nil {
		return err
	}
	if reg.StatusCode() != http.StatusCreated {
		return unexpected(reg, reg.Body)
	}
	login, err := t.api.LoginWithResponse(ctx, nil, client.LoginInput{Email: email, Password: password})
	if err != nil {
		return err
	}
	if login.JSON200 == nil {
		return unexpected(login, login.Body)
	}
	t.access = login.JSON200.AccessToken
	fmt.Fprintf(t.out, "signed up as %s; the access token lasts %d s\n", email, login.JSON200.ExpiresIn)
	return nil
}

func (t *tour) fillProfile(ctx context.Context) error {
	origin, residence := "CV", "FR"
	investor, form := client.InvestorTypeCode("diaspora"), client.LegalFormCode("individual")
	langs, regions := []string{"fr", "pt"}, []string{"sal", "sao_vicente"}
	sectors := []client.SectorCode{"tourism", "renewable_energy"}
	r, err := t.api.PutProfileWithResponse(ctx, nil, client.ProfileInput{
		OriginCountry: &origin, ResidenceCountry: &residence, Languages: &langs, Sectors: &sectors,
		Regions: &regions, InvestorType: &investor, LegalForm: &form,
		TicketMax: &client.MoneyInput{Amount: "50000.00", Currency: "EUR"},
	}, t.bearer)
	if err != nil {
		return err
	}
	if r.JSON200 == nil {
		return unexpected(r, r.Body)
	}
	fmt.Fprintf(t.out, "profile: %s, living in %s, interested in", r.JSON200.DisplayName, *r.JSON200.ResidenceCountry)
	for _, s := range r.JSON200.Sectors {
		fmt.Fprintf(t.out, " %s", s.Label)
	}
	fmt.Fprintln(t.out)
	return nil
}

func (t *tour) save(ctx context.Context) error {
	r, err := t.api.SaveOpportunityWithResponse(ctx, t.saved, nil, t.bearer)
	if err != nil {
		return err
	}
	if r.StatusCode() != http.StatusNoContent {
		return unexpected(r, r.Body)
	}
	lang := client.Lang("fr")
	list, err := t.api.ListSavedWithResponse(ctx, &client.ListSavedParams{Lang: &lang}, t.bearer)
	if err != nil {
		return err
	}
	if list.JSON200 == nil {
		return unexpected(list, list.Body)
	}
	for _, s := range list.JSON200.Items {
		if s.Opportunity.Id == t.saved {
			fmt.Fprintf(t.out, "saved: %s\n", s.Opportunity.Title)
			return nil
		}
	}
	return fmt.Errorf("the saved opportunity %s is not in the list", t.saved)
}

func (t *tour) followChanges(ctx context.Context) error {
	days := 30
	k, err := t.api.CreateApiKeyWithResponse(ctx, nil, client.ApiKeyInput{Name: "Exemple Cabo Verde",
		Scopes: []client.Scope{"catalogue:read"}, ExpiresInDays: &days}, t.bearer)
	if err != nil {
		return err
	}
	if k.JSON201 == nil {
		return unexpected(k, k.Body)
	}
	fmt.Fprintf(t.out, "API key %s… (%v), expires %s\n", k.JSON201.Prefix, k.JSON201.Scopes, k.JSON201.ExpiresAt.Format("2006-01-02"))
	withKey := func(_ context.Context, req *http.Request) error {
		req.Header.Set("X-API-Key", k.JSON201.Key)
		return nil
	}
	country, limit := client.CountryFilter("CV"), client.Limit(100)
	params := &client.ListChangesParams{Country: &country, Limit: &limit}
	counts := map[string]int{}
	for {
		r, err := t.api.ListChangesWithResponse(ctx, params, withKey)
		if err != nil {
			return err
		}
		if r.JSON200 == nil {
			return unexpected(r, r.Body)
		}
		for _, c := range r.JSON200.Items {
			counts[string(c.Kind)+" "+string(c.Change)]++
		}
		resume := client.ChangeCursor(r.JSON200.ResumeCursor)
		params.Cursor = &resume
		if r.JSON200.NextCursor == nil {
			fmt.Fprintf(t.out, "changes of Cabo Verde so far: %v; quota left: %s\n", counts, r.HTTPResponse.Header.Get("RateLimit-Remaining"))
			break
		}
	}
	if counts["opportunity created"] == 0 {
		return errors.New("the change log has no opportunity of Cabo Verde")
	}
	revoke, err := t.api.RevokeApiKeyWithResponse(ctx, k.JSON201.Id, nil, t.bearer)
	if err != nil {
		return err
	}
	if revoke.StatusCode() != http.StatusNoContent {
		return unexpected(revoke, revoke.Body)
	}
	after, err := t.api.ListChangesWithResponse(ctx, params, withKey)
	if err != nil {
		return err
	}
	if after.StatusCode() != http.StatusUnauthorized {
		return fmt.Errorf("a revoked key was answered %d", after.StatusCode())
	}
	fmt.Fprintln(t.out, "key revoked, and refused from then on")
	return nil
}
