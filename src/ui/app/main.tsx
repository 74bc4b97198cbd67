// The console's shell: reads /_ssm-local/ui/config.json, then renders the header (account and
// region selector, clock panel), the navigation (from PAGES, pages.ts) and the page the URL hash
// names (#/<page>?<params>). The selected account and region are kept in localStorage.
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { admin, type ConsoleConfig, type FleetListing, type Scope } from './api.js';
import { ClockPanel } from './clock.js';
import { ErrorNote } from './components.js';
import { Console, consoleContext } from './context.js';
import { PAGES } from './pages.js';
import { usePoll } from './poll.js';
import './styles.css';

const COMMON_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'eu-north-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'ap-south-1',
  'sa-east-1',
  'ca-central-1',
];
const SCOPE_KEY = 'ssm-local.console.scope';

interface Route {
  page: string;
  params: URLSearchParams;
}

function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [page = '', query = ''] = text.split('?', 2) as [string?, string?];
  return { page: page || PAGES[0]!.path, params: new URLSearchParams(query) };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function navigate(page: string, params: Record<string, string> = {}): void {
  const query = new URLSearchParams(params).toString();
  location.hash = `#/${page}${query ? `?${query}` : ''}`;
}

function savedScope(config: ConsoleConfig): Scope {
  try {
    const saved = JSON.parse(localStorage.getItem(SCOPE_KEY) ?? 'null') as Partial<Scope> | null;
    if (saved && /^\d{12}$/.test(saved.accountId ?? '') && saved.region) {
      return { accountId: saved.accountId!, region: saved.region };
    }
  } catch {
    // A scope that cannot be read is forgotten.
  }
  return { accountId: config.defaultAccountId, region: config.defaultRegion };
}

function ScopePicker({ scope, onChange }: { scope: Scope; onChange: (scope: Scope) => void }) {
  const [account, setAccount] = useState(scope.accountId);
  const [region, setRegion] = useState(scope.region);
  const fleet = usePoll((signal) => admin<FleetListing>('GET', 'instances', undefined, signal), [], 10_000);
  const accounts = new Set([scope.accountId, ...(fleet.data?.instances ?? []).map((i) => i.accountId)]);
  const regions = new Set([...COMMON_REGIONS, ...(fleet.data?.instances ?? []).map((i) => i.region)]);
  const accountValid = /^\d{12}$/.test(account);
  const regionValid = /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region);
  const apply = (event: Event) => {
    event.preventDefault();
    if (accountValid && regionValid) onChange({ accountId: account, region });
  };
  const changed = account !== scope.accountId || region !== scope.region;
  return (
    <form class="scope" onSubmit={apply} aria-label="Account and region">
      <label for="scope-account">Account</label>
      <input
        id="scope-account"
        list="scope-accounts"
        inputMode="numeric"
        size={13}
        value={account}
        aria-invalid={!accountValid}
        onInput={(e) => setAccount(e.currentTarget.value.trim())}
      />
      <datalist id="scope-accounts">
        {[...accounts].map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      <label for="scope-region">Region</label>
      <input
        id="scope-region"
        list="scope-regions"
        size={14}
        value={region}
        aria-invalid={!regionValid}
        onInput={(e) => setRegion(e.currentTarget.value.trim())}
      />
      <datalist id="scope-regions">
        {[...regions].map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      <button type="submit" disabled={!changed || !accountValid || !regionValid}>
        Switch
      </button>
    </form>
  );
}

function Shell({ config }: { config: ConsoleConfig }) {
  const route = useRoute();
  const [scope, setScope] = useState(() => savedScope(config));
  const context = useMemo(() => consoleContext(config, scope, navigate), [config, scope]);
  const page = PAGES.find((p) => p.path === route.page);
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  // After navigating, move focus to the new page's heading (screen readers announce it).
  useEffect(() => {
    if (first.current) first.current = false;
    else heading.current?.focus();
  }, [route.page]);
  useEffect(() => {
    document.title = `${page?.title ?? 'Not found'} · ssm-local console`;
  }, [page]);

  const changeScope = (next: Scope) => {
    localStorage.setItem(SCOPE_KEY, JSON.stringify(next));
    setScope(next);
  };
  const Page = page?.component;
  return (
    <Console.Provider value={context}>
      <a
        class="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to content
      </a>
      <header class="top">
        <div class="brand">
          ssm-local <span class="muted">console · v{config.version}</span>
        </div>
        <ScopePicker key={`${scope.accountId}/${scope.region}`} scope={scope} onChange={changeScope} />
        <ClockPanel />
      </header>
      {config.strictCredentials ? (
        <div class="banner" role="alert">
          This emulator checks SigV4 signatures (strict credentials, SSM_LOCAL_CREDENTIALS). The console
          cannot sign requests in the browser yet, so SSM calls from it are refused; the admin routes (fleet,
          clock) still work.
        </div>
      ) : null}
      <div class="layout">
        <nav aria-label="Pages" class="nav">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <a href={`#/${p.path}`} aria-current={p.path === route.page ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1} data-page={page?.path ?? 'not-found'}>
          <h1 ref={heading} tabIndex={-1}>
            {page?.title ?? 'Page not found'}
          </h1>
          {Page ? (
            <Page key={`${route.page}|${scope.accountId}|${scope.region}`} params={route.params} />
          ) : (
            <p>
              There is no page <code>{route.page}</code>.{' '}
              <a href={`#/${PAGES[0]!.path}`}>Go to {PAGES[0]!.title}</a>.
            </p>
          )}
        </main>
      </div>
    </Console.Provider>
  );
}

function Boot() {
  const [config, setConfig] = useState<ConsoleConfig>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    fetch('./config.json')
      .then(async (r) => {
        if (!r.ok) throw new Error(`config.json answered ${r.status}`);
        setConfig((await r.json()) as ConsoleConfig);
      })
      .catch((e: Error) => setError(e));
  }, []);
  if (error) return <ErrorNote error={error} context="The console could not start" />;
  if (!config) return <p class="boot">Loading the ssm-local console…</p>;
  return <Shell config={config} />;
}

render(<Boot />, document.getElementById('app')!);
