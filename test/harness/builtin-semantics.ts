import { errors } from './errors.js';
import { isObject, type FieldError, type JsonObject, type KubeObject } from './types.js';

/**
 * The slice of built-in defaulting and validation that controllers notice: a Deployment comes back
 * with the defaults kube-apiserver fills in (so "did my spec change?" logic meets realistic
 * objects), invalid Deployments/Services/HPAs are rejected with 422, and Lease times must be MicroTime.
 */

function obj(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

function ensure(parent: JsonObject, key: string): JsonObject {
  if (!isObject(parent[key])) parent[key] = {};
  return parent[key] as JsonObject;
}

function setDefault(target: JsonObject, key: string, value: unknown): void {
  if (target[key] === undefined) target[key] = value;
}

export function defaultPodTemplate(template: JsonObject): void {
  const spec = ensure(template, 'spec');
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const field of ['containers', 'initContainers']) {
    const containers = spec[field];
    if (!Array.isArray(containers)) continue;
    for (const c of containers) {
      if (!isObject(c)) continue;
      const image = typeof c.image === 'string' ? c.image : '';
      const tag = /:([^/:@]+)$/.exec(image)?.[1];
      setDefault(c, 'imagePullPolicy', !tag || tag === 'latest' ? 'Always' : 'IfNotPresent');
      setDefault(c, 'terminationMessagePath', '/dev/termination-log');
      setDefault(c, 'terminationMessagePolicy', 'File');
      setDefault(c, 'resources', {});
      if (Array.isArray(c.ports)) for (const p of c.ports) if (isObject(p)) setDefault(p, 'protocol', 'TCP');
    }
  }
}

export function prepareDeployment(d: KubeObject): void {
  const spec = ensure(d, 'spec');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  const strategy = ensure(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rolling = ensure(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', '25%');
    setDefault(rolling, 'maxSurge', '25%');
  }
  defaultPodTemplate(ensure(spec, 'template'));
}

export function validateDeployment(d: KubeObject, old: KubeObject | undefined): FieldError[] {
  const out: FieldError[] = [];
  const spec = obj(d.spec);
  const selector = spec.selector;
  const templateLabels = obj(obj(obj(spec.template).metadata).labels);
  if (!isObject(selector))
    out.push({ field: 'spec.selector', reason: 'FieldValueRequired', message: 'Required value' });
  else {
    const matchLabels = obj(selector.matchLabels);
    if (Object.keys(matchLabels).length === 0 && !Array.isArray(selector.matchExpressions)) {
      out.push({
        field: 'spec.selector',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(selector)}: empty selector is invalid for deployment`,
      });
    }
    if (Object.entries(matchLabels).some(([k, v]) => templateLabels[k] !== v)) {
      out.push({
        field: 'spec.template.metadata.labels',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(templateLabels)}: \`selector\` does not match template \`labels\``,
      });
    }
    if (old && JSON.stringify(obj(old.spec).selector) !== JSON.stringify(selector)) {
      out.push({
        field: 'spec.selector',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(selector)}: field is immutable`,
      });
    }
  }
  if (typeof spec.replicas === 'number' && spec.replicas < 0) {
    out.push({
      field: 'spec.replicas',
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0`,
    });
  }
  out.push(...validatePodSpec(obj(obj(spec.template).spec), 'spec.template.spec'));
  return out;
}

function validatePodSpec(spec: JsonObject, path: string): FieldError[] {
  const out: FieldError[] = [];
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    out.push({ field: `${path}.containers`, reason: 'FieldValueRequired', message: 'Required value' });
    return out;
  }
  containers.forEach((c, i) => {
    const container = obj(c);
    if (!container.name)
      out.push({
        field: `${path}.containers[${i}].name`,
        reason: 'FieldValueRequired',
        message: 'Required value',
      });
    if (!container.image)
      out.push({
        field: `${path}.containers[${i}].image`,
        reason: 'FieldValueRequired',
        message: 'Required value',
      });
  });
  return out;
}

let nextClusterIp = 1;

export function prepareService(svc: KubeObject, old: KubeObject | undefined): void {
  const spec = ensure(svc, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  const oldSpec = obj(old?.spec);
  // An update without clusterIP keeps the allocated one, as kube-apiserver does.
  if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
  if (spec.type !== 'ExternalName' && !spec.clusterIP) {
    const n = nextClusterIp++;
    spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  }
  if (spec.clusterIP && spec.type !== 'ExternalName') setDefault(spec, 'clusterIPs', [spec.clusterIP]);
  if (Array.isArray(spec.ports)) {
    for (const p of spec.ports) {
      if (!isObject(p)) continue;
      setDefault(p, 'protocol', 'TCP');
      setDefault(p, 'targetPort', p.port);
    }
  }
}

export function validateService(svc: KubeObject, old: KubeObject | undefined): FieldError[] {
  const spec = obj(svc.spec);
  const out: FieldError[] = [];
  const headless = spec.clusterIP === 'None';
  if (spec.type !== 'ExternalName' && !headless && (!Array.isArray(spec.ports) || spec.ports.length === 0)) {
    out.push({ field: 'spec.ports', reason: 'FieldValueRequired', message: 'Required value' });
  }
  if (Array.isArray(spec.ports) && spec.ports.length > 1) {
    spec.ports.forEach((p, i) => {
      if (!obj(p).name)
        out.push({ field: `spec.ports[${i}].name`, reason: 'FieldValueRequired', message: 'Required value' });
    });
  }
  const oldIp = obj(old?.spec).clusterIP;
  if (oldIp && spec.clusterIP !== oldIp) {
    out.push({
      field: 'spec.clusterIP',
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(spec.clusterIP)}: field is immutable`,
    });
  }
  return out;
}

export function validateHpa(hpa: KubeObject): FieldError[] {
  const spec = obj(hpa.spec);
  const out: FieldError[] = [];
  const ref = obj(spec.scaleTargetRef);
  if (!ref.kind)
    out.push({ field: 'spec.scaleTargetRef.kind', reason: 'FieldValueRequired', message: 'Required value' });
  if (!ref.name)
    out.push({ field: 'spec.scaleTargetRef.name', reason: 'FieldValueRequired', message: 'Required value' });
  if (typeof spec.maxReplicas !== 'number') {
    out.push({ field: 'spec.maxReplicas', reason: 'FieldValueRequired', message: 'Required value' });
  } else if (typeof spec.minReplicas === 'number' && spec.minReplicas > spec.maxReplicas) {
    out.push({
      field: 'spec.maxReplicas',
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${spec.maxReplicas}: must be greater than or equal to \`minReplicas\``,
    });
  }
  return out;
}

export function prepareHpa(hpa: KubeObject): void {
  setDefault(ensure(hpa, 'spec'), 'minReplicas', 1);
}

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;

/**
 * Lease times are metav1.MicroTime, parsed with the layout 2006-01-02T15:04:05.000000Z07:00.
 * A Date serialized by JSON (3 fractional digits) fails to decode, which the real server reports
 * as 400 BadRequest before validation even runs.
 */
export function prepareLease(lease: KubeObject): void {
  const spec = obj(lease.spec);
  for (const field of ['acquireTime', 'renewTime']) {
    const value = spec[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || !MICRO_TIME.test(value)) {
      const fraction =
        typeof value === 'string'
          ? (/(\.\d*)?(Z|[+-]\d{2}:\d{2})$/.exec(value)?.[0] ?? value)
          : String(value);
      throw errors.badRequest(
        `Lease in version "v1" cannot be handled as a Lease: parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05.000000Z07:00": cannot parse ${JSON.stringify(fraction)} as ".000000"`,
      );
    }
  }
}

export function prepareNamespace(ns: KubeObject): void {
  ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
  const status = ensure(ns, 'status');
  if (!ns.metadata.deletionTimestamp) status.phase = 'Active';
  setDefault(ensure(ns, 'spec'), 'finalizers', ['kubernetes']);
}

export function prepareSecret(secret: KubeObject): void {
  setDefault(secret, 'type', 'Opaque');
  if (isObject(secret.stringData)) {
    const data = ensure(secret, 'data');
    for (const [k, v] of Object.entries(secret.stringData))
      data[k] = Buffer.from(String(v)).toString('base64');
    delete secret.stringData;
  }
}
