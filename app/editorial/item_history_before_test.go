package editorial_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
)

// The trail of an item found once (HistoryTarget) is the trail ItemHistory reads, page by page.
func TestItemHistoryBefore(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	it, err := f.svc.HistoryTarget(ctx, f.owner, domain.KindOpportunity, f.draft)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if _, err := f.svc.Patch(ctx, f.owner, domain.KindOpportunity, it, 0, domain.ContentChange{Jobs: domain.Some(i)}); err != nil {
			t.Fatal(err)
		}
	}
	first, more, err := f.svc.ItemHistoryBefore(ctx, it, 0, 2)
	if err != nil || len(first) != 2 || !more || first[0].Changes["jobs"].After != float64(3) {
		t.Fatalf("first page: %+v, more %v, %v", first, more, err)
	}
	want, wantMore, err := f.svc.ItemHistory(ctx, f.owner, domain.KindOpportunity, f.draft, first[1].ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	older, more, err := f.svc.ItemHistoryBefore(ctx, it, first[1].ID, 2)
	if err != nil || !reflect.DeepEqual(older, want) || more != wantMore {
		t.Errorf("older page: %+v, more %v, %v; ItemHistory reads %+v, more %v", older, more, err, want, wantMore)
	}
}
