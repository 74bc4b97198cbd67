// The console's pages, in the order the navigation shows them.
//
// Adding a page: one file and one line.
//   1. Write src/ui/app/pages/<name>.tsx exporting a component that takes PageProps:
//        export function WidgetsPage({ params }: PageProps) {
//          const { call } = useConsole();                       // SSM, as the chosen account/region
//          const widgets = usePoll((signal) => call('ListWidgets', {}, signal), []);
//          return <Section title="Widgets">…</Section>;
//        }
//      useConsole() (context.ts) gives `call` / `all` (one SSM call / every page of one, typed from
//      the SDK's input and output types, timestamps as epoch seconds), `scope`, `config` and
//      `navigate(page, params)`; admin() in api.ts reaches /_ssm-local/ routes; usePoll() (poll.ts)
//      keeps data live (every 2 s while the tab is visible, re-rendering only when the answer
//      changed); components.tsx has ErrorNote, StatusBadge, Field, ConfirmButton, useAction, Time…
//   2. Add its line below: { path: 'widgets', title: 'Widgets', component: WidgetsPage }.
// The page is then at /_ssm-local/ui/#/widgets (params after `?`, e.g. #/widgets?id=w-1) and in
// the navigation. Styles go in styles.css (classes, no inline colours: contrast is checked there).
// A browser test goes in test/ui-<name>.test.ts with test/support/browser.ts.
import type { FunctionComponent } from 'preact';
import { AutomationPage } from './pages/automation.js';
import { CompliancePage } from './pages/compliance.js';
import { DocumentsPage } from './pages/documents.js';
import { FleetPage } from './pages/fleet.js';
import { InventoryPage } from './pages/inventory.js';
import { ParametersPage } from './pages/parameters.js';
import { PatchPage } from './pages/patch.js';
import { RunCommandPage } from './pages/run-command.js';
import { SessionsPage } from './pages/sessions.js';
import { StateManagerPage } from './pages/state-manager.js';

export interface PageProps {
  /** The query after the page's path in the URL hash (#/run-command?command=<id>). */
  params: URLSearchParams;
}

export interface PageDefinition {
  /** The page's path in the URL hash, and the id tests find it by. */
  path: string;
  /** Its name in the navigation and its heading. */
  title: string;
  component: FunctionComponent<PageProps>;
}

export const PAGES: readonly PageDefinition[] = [
  { path: 'fleet', title: 'Fleet', component: FleetPage },
  { path: 'run-command', title: 'Run Command', component: RunCommandPage },
  { path: 'parameters', title: 'Parameter Store', component: ParametersPage },
  { path: 'documents', title: 'Documents', component: DocumentsPage },
  { path: 'state-manager', title: 'State Manager', component: StateManagerPage },
  { path: 'inventory', title: 'Inventory', component: InventoryPage },
  { path: 'compliance', title: 'Compliance', component: CompliancePage },
  { path: 'patch', title: 'Patch', component: PatchPage },
  { path: 'automation', title: 'Automation', component: AutomationPage },
  { path: 'sessions', title: 'Sessions', component: SessionsPage },
];
