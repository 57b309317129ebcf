package repository

import (
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/lib/pq"
)

// CatalogueChannel is the NOTIFY channel on which the database announces a change to anything
// public catalogue reads derive from (migration 00005).
const CatalogueChannel = "catalogue_changed"

// ListenerApplicationName names the listening connection in pg_stat_activity, so that an
// operator (or a test) can tell it from the pool's connections.
const ListenerApplicationName = "catalogue-listener"

// ChangeHandler is told about the catalogue's changes.
type ChangeHandler interface {
	// Changed says that content may have changed: whatever was read before is suspect.
	Changed()
	// Live says whether changes are being heard. While it is false, a change may go unheard,
	// so nothing read earlier may be served from memory.
	Live(bool)
}

// Watcher listens on CatalogueChannel over its own connection (not one of the pool's).
type Watcher struct {
	l       *pq.Listener
	h       ChangeHandler
	log     *slog.Logger
	done    chan struct{}
	stopped sync.WaitGroup

	mu        sync.Mutex
	connected bool // the listener's connection is up and LISTENing
	stuck     bool // a ping has gone unanswered for a whole interval
	live      bool // what h was last told
}

// PingInterval is how often the watcher checks that its connection still answers: a
// connection that died silently (no reset, as when a network path drops) is noticed within
// about twice this.
const PingInterval = 5 * time.Second

// WatchCatalogue starts listening for changes with a connection of its own to databaseURL.
// h is told Live(true) once LISTEN is in place, Live(false) as soon as the connection is lost
// or stops answering, and Changed() for every notification and after every reconnection
// (notifications sent while disconnected are lost, so everything must be considered changed).
func WatchCatalogue(databaseURL string, h ChangeHandler, log *slog.Logger) *Watcher {
	w := &Watcher{h: h, log: log, done: make(chan struct{})}
	w.l = pq.NewListener(listenerURL(databaseURL), 50*time.Millisecond, 2*time.Second, w.event)
	w.stopped.Add(1)
	go w.run()
	return w
}

// listenerURL is databaseURL with the listener's application_name, unless one is set already.
func listenerURL(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return databaseURL // Open has refused such a URL already
	}
	q := u.Query()
	if q.Get("application_name") == "" {
		q.Set("application_name", ListenerApplicationName)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (w *Watcher) event(ev pq.ListenerEventType, err error) {
	switch ev {
	case pq.ListenerEventDisconnected:
		w.log.Warn("catalogue change listener lost its connection; serving from the database until it is back", "error", err)
		w.set(func() { w.connected = false })
	case pq.ListenerEventReconnected:
		// The listener re-issued LISTEN before telling us.
		w.log.Info("catalogue change listener reconnected; cache reset")
		w.set(func() { w.connected, w.stuck = true, false })
	}
}

// set changes the state and tells the handler when liveness changes; becoming live always
// starts from an empty cache.
func (w *Watcher) set(change func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	change()
	live := w.connected && !w.stuck
	if live == w.live {
		return
	}
	w.live = live
	if live {
		w.h.Changed()
	}
	w.h.Live(live)
	if !live {
		w.h.Changed()
	}
}

func (w *Watcher) run() {
	defer w.stopped.Done()
	listening := make(chan error, 1)
	// Listen blocks until the first connection is made (and retries until then).
	go func() { listening <- w.l.Listen(CatalogueChannel) }()
	ticker := time.NewTicker(PingInterval)
	defer ticker.Stop()
	var pinging, pingDone = false, make(chan error, 1)
	for {
		select {
		case err := <-listening:
			if err != nil {
				w.log.Error("catalogue change listener: LISTEN failed; the cache stays off", "error", err)
				continue
			}
			w.set(func() { w.connected = true })
		case <-w.l.Notify:
			// nil after a reconnection: notifications may have been lost; same answer.
			w.h.Changed()
		case <-ticker.C:
			if pinging {
				w.set(func() { w.stuck = true })
				continue
			}
			pinging = true
			go func() { pingDone <- w.l.Ping() }()
		case err := <-pingDone:
			pinging = false
			w.set(func() { w.stuck = err != nil })
		case <-w.done:
			_ = w.l.Close()
			return
		}
	}
}

// Close stops listening; the handler is told Live(false).
func (w *Watcher) Close() {
	close(w.done)
	w.stopped.Wait()
	w.set(func() { w.connected = false })
}
