// An automation execution as its step graph: each step of the runbook a node (in the runbook's
// order, top to bottom) with its status in colour and in words; edges for where a step can go next:
// the following step (unless isEnd), nextStep, onFailure/onCancel `step:<name>`, and an aws:branch
// step's Choices and Default. The graph is read from the runbook itself (GetDocument at the
// execution's DocumentVersion, as JSON), so steps that have not run yet are drawn too; without
// the runbook it falls back to the step executions and their NextStep.
//
// A vertical flow needs no graph library: nodes sit in one column at fixed heights, so the edges are
// computed, not measured. An edge to the very next node is a short arrow down; any other (a jump
// ahead or back, a failure path, a branch) runs in a lane of its own to the right. The nodes are
// buttons (keyboard, screen readers), and each says its exits in words too ("on failure → x").
import type { Output } from './api.js';
import { Status, toneOf } from './badges.js';

export type StepExecution = NonNullable<
  NonNullable<Output<'GetAutomationExecution'>['AutomationExecution']>['StepExecutions']
>[number];

export type EdgeKind = 'next' | 'failure' | 'cancel' | 'branch';

export interface StepNode {
  name: string;
  action: string;
}

export interface StepEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** How a reader says it: "next", "on failure", "if {{ x }} StringEquals a", "default". */
  label: string;
}

export interface StepGraph {
  nodes: StepNode[];
  edges: StepEdge[];
}

interface RunbookStep {
  name?: unknown;
  action?: unknown;
  nextStep?: unknown;
  isEnd?: unknown;
  onFailure?: unknown;
  onCancel?: unknown;
  inputs?: { Choices?: unknown; Default?: unknown };
}

const OPERATORS = [
  'StringEquals',
  'EqualsIgnoreCase',
  'StartsWith',
  'EndsWith',
  'Contains',
  'NumericEquals',
  'NumericGreater',
  'NumericLesser',
  'NumericGreaterOrEquals',
  'NumericLesserOrEquals',
  'BooleanEquals',
];

function choiceLabel(choice: Record<string, unknown>): string {
  const operator = OPERATORS.find((o) => o in choice);
  if (operator) return `if ${String(choice.Variable ?? '')} ${operator} ${JSON.stringify(choice[operator])}`;
  for (const combinator of ['And', 'Or', 'Not']) if (combinator in choice) return `if ${combinator}(…)`;
  return 'choice';
}

function stepTarget(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('step:') ? value.slice(5) : undefined;
}

/** The graph of a runbook's mainSteps (schema 0.3 content, parsed). */
export function runbookGraph(content: unknown): StepGraph | undefined {
  const steps = (content as { mainSteps?: unknown } | undefined)?.mainSteps;
  if (!Array.isArray(steps)) return undefined;
  const list = steps as RunbookStep[];
  const nodes = list.map((s) => ({ name: String(s.name ?? ''), action: String(s.action ?? '') }));
  const names = new Set(nodes.map((n) => n.name));
  const edges: StepEdge[] = [];
  const add = (from: string, to: string | undefined, kind: EdgeKind, label: string) => {
    if (to && names.has(to) && !edges.some((e) => e.from === from && e.to === to && e.kind === kind))
      edges.push({ from, to, kind, label });
  };
  list.forEach((step, i) => {
    const name = nodes[i]!.name;
    if (step.action === 'aws:branch') {
      const choices = Array.isArray(step.inputs?.Choices)
        ? (step.inputs.Choices as Record<string, unknown>[])
        : [];
      for (const choice of choices) add(name, String(choice.NextStep ?? ''), 'branch', choiceLabel(choice));
      add(
        name,
        typeof step.inputs?.Default === 'string' ? step.inputs.Default : undefined,
        'branch',
        'default',
      );
    }
    if (step.isEnd !== true && step.isEnd !== 'true') {
      if (typeof step.nextStep === 'string') add(name, step.nextStep, 'next', 'next');
      else if (step.action !== 'aws:branch' || step.inputs?.Default === undefined)
        add(name, nodes[i + 1]?.name, 'next', 'next');
    }
    add(name, stepTarget(step.onFailure), 'failure', 'on failure');
    if (step.onFailure === 'Continue') add(name, nodes[i + 1]?.name, 'failure', 'on failure (continue)');
    add(name, stepTarget(step.onCancel), 'cancel', 'on cancel');
  });
  return { nodes, edges };
}

/** Without the runbook: the steps that ran, and where each said it goes next. */
export function executionGraph(steps: StepExecution[]): StepGraph {
  const nodes: StepNode[] = [];
  for (const s of steps)
    if (!nodes.some((n) => n.name === s.StepName)) nodes.push({ name: s.StepName!, action: s.Action ?? '' });
  const names = new Set(nodes.map((n) => n.name));
  const edges: StepEdge[] = [];
  for (const s of steps) {
    for (const to of [s.NextStep, ...(s.ValidNextSteps ?? [])]) {
      if (to && names.has(to) && !edges.some((e) => e.from === s.StepName && e.to === to))
        edges.push({ from: s.StepName!, to, kind: 'next', label: 'next' });
    }
  }
  return { nodes, edges };
}

/** The latest execution of each step, by name. */
export function latestByStep(steps: StepExecution[]): Map<string, StepExecution> {
  const map = new Map<string, StepExecution>();
  for (const s of steps) map.set(s.StepName!, s);
  return map;
}

const NODE_W = 300;
const NODE_H = 62;
const GAP = 34;
const LANE = 18;

function nodeTop(index: number): number {
  return index * (NODE_H + GAP);
}

export function StepGraphView({
  graph,
  steps,
  running,
  selected,
  onSelect,
}: {
  graph: StepGraph;
  steps: StepExecution[];
  /** The execution still runs: a step not run yet is Pending, else "Not run". */
  running: boolean;
  selected: string | undefined;
  onSelect: (name: string) => void;
}) {
  const latest = latestByStep(steps);
  const index = new Map(graph.nodes.map((n, i) => [n.name, i]));
  const jumps = graph.edges
    .filter((e) => index.get(e.to) !== index.get(e.from)! + 1 || e.kind !== 'next')
    .sort(
      (a, b) =>
        Math.abs(index.get(a.to)! - index.get(a.from)!) - Math.abs(index.get(b.to)! - index.get(b.from)!),
    );
  const lanes = jumps.length;
  const width = NODE_W + 24 + lanes * LANE + 8;
  const height = Math.max(0, graph.nodes.length * (NODE_H + GAP) - GAP);
  // A step the execution never reached: the API keeps it Pending (or leaves it out); once the
  // execution has ended, the graph says so ("Not run").
  const statusOf = (name: string) => {
    const step = latest.get(name);
    const status = step?.StepStatus ?? 'Pending';
    return status === 'Pending' && !running && !step?.ExecutionStartTime ? 'NotRun' : status;
  };
  const taken = (e: StepEdge) => {
    const from = latest.get(e.from);
    const to = latest.get(e.to);
    if (!from || !to || (to.ExecutionStartTime ?? 0) < (from.ExecutionStartTime ?? 0)) return false;
    if (e.kind === 'failure') return from.StepStatus === 'Failed' || from.StepStatus === 'TimedOut';
    if (e.kind === 'cancel') return from.StepStatus === 'Cancelled';
    return from.StepStatus === 'Success';
  };
  return (
    <div class="step-graph" style={{ width: `${width}px`, height: `${height}px` }}>
      <svg class="step-edges" width={width} height={height} aria-hidden="true">
        <defs>
          {['next', 'failure', 'cancel', 'branch'].map((kind) => (
            <marker
              key={kind}
              id={`arrow-${kind}`}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
              class={`arrow arrow-${kind}`}
            >
              <path d="M 0 0 L 10 5 L 0 10 z" />
            </marker>
          ))}
        </defs>
        {graph.edges
          .filter((e) => e.kind === 'next' && index.get(e.to) === index.get(e.from)! + 1)
          .map((e) => {
            const y = nodeTop(index.get(e.from)!) + NODE_H;
            return (
              <line
                key={`${e.from}>${e.to}`}
                x1={NODE_W / 2}
                y1={y}
                x2={NODE_W / 2}
                y2={y + GAP - 2}
                class={`edge edge-next${taken(e) ? ' edge-taken' : ''}`}
                marker-end="url(#arrow-next)"
              />
            );
          })}
        {jumps.map((e, lane) => {
          const from = index.get(e.from)!;
          const to = index.get(e.to)!;
          const x = NODE_W + 18 + lane * LANE;
          // Leave from the lower part of the source, arrive at the upper part of the target.
          const y1 = nodeTop(from) + NODE_H * 0.65;
          const y2 = nodeTop(to) + NODE_H * 0.35;
          return (
            <path
              key={`${e.kind}:${e.from}>${e.to}`}
              d={`M ${NODE_W} ${y1} H ${x} V ${y2} H ${NODE_W + 2}`}
              class={`edge edge-${e.kind}${taken(e) ? ' edge-taken' : ''}`}
              marker-end={`url(#arrow-${e.kind})`}
              fill="none"
            />
          );
        })}
      </svg>
      <ol class="step-nodes" aria-label="Steps">
        {graph.nodes.map((node, i) => {
          const status = statusOf(node.name);
          const exits = graph.edges.filter((e) => e.from === node.name);
          return (
            <li
              key={node.name}
              class={`step-node tone-border-${toneOf(status)}`}
              style={{ top: `${nodeTop(i)}px`, width: `${NODE_W}px`, height: `${NODE_H}px` }}
              data-step={node.name}
              data-status={status}
            >
              <button
                type="button"
                class="step-button"
                aria-pressed={selected === node.name}
                onClick={() => onSelect(node.name)}
                title={exits.map((e) => `${e.label} → ${e.to}`).join('\n')}
              >
                <span class="step-name">{node.name}</span>
                <span class="step-status">
                  <Status status={status === 'NotRun' ? 'Not run' : status} />
                </span>
                <span class="step-action mono">{node.action}</span>
                <span class="visually-hidden">
                  {exits.length
                    ? `; goes to ${exits.map((e) => `${e.to} (${e.label})`).join(', ')}`
                    : '; the last step'}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
