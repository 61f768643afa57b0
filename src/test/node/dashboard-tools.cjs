// Node side of the JUnit dashboard tests (DashboardLintTest, DashboardSchemaTest). Each command
// reads a JSON request on stdin and writes one JSON answer on stdout; the rules themselves live in
// the Java tests. Run by the tests as `node src/test/node/dashboard-tools.cjs <command>`.
//
//   promql  ["expr", ...]       -> [{"tree": node} | {"error": "..."}]: the syntax tree of each
//                                   expression from the Prometheus project's own Lezer grammar
//                                   (@prometheus-io/lezer-promql, the parser of the Prometheus UI);
//                                   node = {"n": type, "s": source text, "c": [children]}.
//   units                      -> ["short", "s", ...]: every unit id Grafana's unit picker offers,
//                                   from Grafana's own @grafana/data.
//   schema  {"file": dashboard} -> {"file": ["problem", ...]}: each dashboard checked against
//                                   Grafana's published dashboard types (@grafana/schema).
//   transform {"transformations": [...], "frames": [{"refId", "fields": [{"name", "type", "values"}]}]}
//                              -> [{"fields": [{"name": display name, "values": [...]}]}]: a panel's
//                                   transformations run by Grafana's own code (@grafana/data).
'use strict';

const path = require('path');

function readStdin() {
  return JSON.parse(require('fs').readFileSync(0, 'utf8'));
}

function promql(exprs) {
  const { parser } = require('@prometheus-io/lezer-promql');
  return exprs.map((expr) => {
    const tree = parser.parse(expr);
    const errors = [];
    const toJson = (cursor) => {
      const node = { n: cursor.name, s: expr.slice(cursor.from, cursor.to) };
      if (cursor.type.isError) {
        errors.push(`syntax error at offset ${cursor.from}: ...${expr.slice(Math.max(0, cursor.from - 20), cursor.from)}<here>${expr.slice(cursor.from, cursor.from + 20)}...`);
      }
      if (cursor.firstChild()) {
        node.c = [];
        do {
          node.c.push(toJson(cursor));
        } while (cursor.nextSibling());
        cursor.parent();
      }
      return node;
    };
    const root = toJson(tree.cursor());
    return errors.length ? { error: errors.join('; ') } : { tree: root };
  });
}

function units() {
  // @grafana/data reads the browser's languages while it builds its date formats; Node 20 has no
  // global navigator (Node 21 does).
  globalThis.navigator = globalThis.navigator || { languages: ['en-US'] };
  const data = require('@grafana/data');
  return data.getValueFormats().flatMap((category) => category.submenu.map((unit) => unit.value));
}

// The published types are TypeScript generated from Grafana's CUE schema. typescript-json-schema
// turns them into JSON Schema, and Ajv checks the dashboards against it. Two things keep the check
// faithful to the CUE schema rather than to TypeScript: CUE structs are open, so properties the
// types do not name are allowed (Grafana itself writes some, such as a variable's `definition`);
// and a CUE field with a default may be left out of the JSON, so a property that has a value in the
// package's default* objects is not required.
function transform(request) {
  globalThis.navigator = globalThis.navigator || { languages: ['en-US'] };
  const data = require('@grafana/data');
  // transformDataFrame asks whether it runs inside Grafana's Scenes; set after loading, since
  // browser-only modules check for a window when they load.
  globalThis.window = globalThis.window || {};
  const { standardTransformers, standardTransformersRegistry, transformDataFrame, createDataFrame, getFieldDisplayName } = data;
  // Grafana's app registers the transformers at start-up; the same ones, once each.
  const byId = new Map(Object.values(standardTransformers).map((t) => [t.id, t]));
  standardTransformersRegistry.setInit(() => [...byId.values()].map((t) => ({ id: t.id, transformation: () => t })));
  const frames = request.frames.map((f) => createDataFrame(f));
  return new Promise((resolve, reject) => {
    transformDataFrame(request.transformations, frames, { interpolate: (v) => v }).subscribe({
      next: (out) => resolve(out.map((f) => ({
        fields: f.fields.map((field) => ({ name: getFieldDisplayName(field, f, out), values: Array.from(field.values) })),
      }))),
      error: reject,
    });
  });
}

const PANEL_KINDS = {
  timeseries: { module: 'timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen', custom: true },
  stat: { module: 'stat/panelcfg/x/StatPanelCfg_types.gen', custom: false },
  table: { module: 'table/panelcfg/x/TablePanelCfg_types.gen', custom: true },
  'state-timeline': { module: 'statetimeline/panelcfg/x/StateTimelinePanelCfg_types.gen', custom: true },
  bargauge: { module: 'bargauge/panelcfg/x/BarGaugePanelCfg_types.gen', custom: false },
};

function schemaCheck(dashboards) {
  const fs = require('fs');
  const TJS = require('typescript-json-schema');
  const Ajv = require('ajv');
  const grafanaSchema = require('@grafana/schema');

  // Inside node_modules so that the TypeScript compiler resolves @grafana/schema from here.
  const dir = fs.mkdtempSync(path.join(__dirname, 'node_modules', '.grafana-schema-'));
  try {
    const lines = [
      `import type * as dashboard from '@grafana/schema/dist/esm/raw/dashboard/x/Dashboard_types.gen';`,
      'export interface Dashboard extends dashboard.Dashboard {}',
    ];
    const symbols = ['Dashboard'];
    Object.entries(PANEL_KINDS).forEach(([type, kind], i) => {
      lines.push(`import type * as panel${i} from '@grafana/schema/dist/esm/raw/composable/${kind.module}';`);
      lines.push(`export interface Panel${i}Options extends panel${i}.Options {}`);
      symbols.push(`Panel${i}Options`);
      if (kind.custom) {
        lines.push(`export interface Panel${i}FieldConfig extends panel${i}.FieldConfig {}`);
        symbols.push(`Panel${i}FieldConfig`);
      }
    });
    const file = path.join(dir, 'grafana-types.ts');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const program = TJS.getProgramFromFiles([file], {
      strictNullChecks: true, skipLibCheck: true, module: 'esnext', moduleResolution: 'bundler',
    });
    const generator = TJS.buildGenerator(program, { required: true, ignoreErrors: false });
    if (!generator) {
      throw new Error('could not compile the @grafana/schema types');
    }

    const ajv = new Ajv({ allErrors: true, strict: false });
    const dashboardSchema = withDefaultsOptional(generator.getSchemaForSymbol('Dashboard'), grafanaSchema);
    const validateDashboard = ajv.compile(dashboardSchema);
    const panelValidators = {};
    Object.entries(PANEL_KINDS).forEach(([type, kind], i) => {
      panelValidators[type] = {
        options: ajv.compile(withoutRequired(generator.getSchemaForSymbol(`Panel${i}Options`))),
        custom: kind.custom ? ajv.compile(withoutRequired(generator.getSchemaForSymbol(`Panel${i}FieldConfig`))) : null,
      };
    });

    const out = {};
    for (const [name, dashboardJson] of Object.entries(dashboards)) {
      const problems = [];
      if (!validateDashboard(dashboardJson)) {
        validateDashboard.errors.forEach((e) => problems.push(`${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params)}`));
      }
      const panels = [];
      (dashboardJson.panels || []).forEach((p, i) => {
        panels.push([`/panels/${i}`, p]);
        (p.panels || []).forEach((q, j) => panels.push([`/panels/${i}/panels/${j}`, q]));
      });
      for (const [where, panel] of panels) {
        if (panel.type === 'row') {
          continue;
        }
        const validators = panelValidators[panel.type];
        if (!validators) {
          problems.push(`${where}: panel type "${panel.type}" has no published schema this check knows; add it to PANEL_KINDS`);
          continue;
        }
        if (!validators.options(panel.options || {})) {
          validators.options.errors.forEach((e) => problems.push(`${where}/options${e.instancePath}: ${e.message} ${JSON.stringify(e.params)}`));
        }
        const custom = panel.fieldConfig && panel.fieldConfig.defaults && panel.fieldConfig.defaults.custom;
        if (validators.custom && custom && !validators.custom(custom)) {
          validators.custom.errors.forEach((e) => problems.push(`${where}/fieldConfig/defaults/custom${e.instancePath}: ${e.message} ${JSON.stringify(e.params)}`));
        }
      }
      out[name] = problems;
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function withDefaultsOptional(schema, grafanaSchema) {
  const relax = (name, def) => {
    const defaults = grafanaSchema['default' + name];
    if (def.required && defaults) {
      def.required = def.required.filter((p) => !(p in defaults));
    }
  };
  relax('Dashboard', schema);
  Object.entries(schema.definitions || {}).forEach(([name, def]) => relax(name, def));
  return schema;
}

// Every option of a panel plugin has a default in its CUE schema, so none is required in the JSON;
// what is there must still have the right type and, for enums, a known value.
function withoutRequired(schema) {
  const strip = (node) => {
    if (Array.isArray(node)) {
      node.forEach(strip);
    } else if (node && typeof node === 'object') {
      if (Array.isArray(node.required)) {
        delete node.required;
      }
      Object.values(node).forEach(strip);
    }
  };
  strip(schema);
  return schema;
}

const commands = { promql: () => promql(readStdin()), units, schema: () => schemaCheck(readStdin()), transform: () => transform(readStdin()) };
const command = commands[process.argv[2]];
if (!command) {
  process.stderr.write('usage: dashboard-tools.cjs promql|units|schema|transform < request.json\n');
  process.exit(2);
}
Promise.resolve(command()).then((answer) => process.stdout.write(JSON.stringify(answer)), (e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
