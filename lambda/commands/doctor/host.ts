import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The host's files as the doctor reads them; injected so tests describe a host without touching this one. */
export interface HostFiles {
  /** The file's text, or null when it does not exist or cannot be read. */
  read(path: string): string | null;
  /** True when `path` is an executable file. */
  isExecutable(path: string): boolean;
}

export const realHostFiles: HostFiles = {
  read(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
};

/** A yes/no about the host with what it was inferred from; `null` when nothing said either way. */
export interface HostFact {
  value: boolean | null;
  evidence: string;
}

export interface HostFacts {
  inContainer: HostFact;
  onEc2: HostFact;
}

/**
 * Whether this process runs in a container and whether the machine is an EC2 instance, from the marks those
 * leave. Both are inferences: a container runtime or a hypervisor can hide every one of these marks.
 */
export function hostFacts(env: NodeJS.ProcessEnv, files: HostFiles): HostFacts {
  return { inContainer: containerFact(env, files), onEc2: ec2Fact(files) };
}

function containerFact(env: NodeJS.ProcessEnv, files: HostFiles): HostFact {
  if (env.ECS_CONTAINER_METADATA_URI_V4 || env.ECS_CONTAINER_METADATA_URI)
    return { value: true, evidence: 'ECS_CONTAINER_METADATA_URI_V4 is set (an ECS task)' };
  if (env.KUBERNETES_SERVICE_HOST)
    return { value: true, evidence: 'KUBERNETES_SERVICE_HOST is set (a Kubernetes pod)' };
  if (files.read('/.dockerenv') !== null) return { value: true, evidence: '/.dockerenv exists' };
  if (files.read('/run/.containerenv') !== null)
    return { value: true, evidence: '/run/.containerenv exists' };
  const cgroup = files.read('/proc/1/cgroup');
  const runtime = cgroup ? /\b(docker|kubepods|containerd|libpod|ecs)\b/.exec(cgroup) : null;
  if (runtime) return { value: true, evidence: `/proc/1/cgroup names ${runtime[1]}` };
  return {
    value: false,
    evidence: 'no container marks (/.dockerenv, /proc/1/cgroup, ECS or Kubernetes variables)',
  };
}

function ec2Fact(files: HostFiles): HostFact {
  for (const path of ['/sys/devices/virtual/dmi/id/board_vendor', '/sys/devices/virtual/dmi/id/sys_vendor']) {
    const vendor = files.read(path)?.trim();
    if (vendor === 'Amazon EC2') return { value: true, evidence: `${path} is "Amazon EC2"` };
  }
  const uuid = files.read('/sys/hypervisor/uuid')?.trim();
  if (uuid?.toLowerCase().startsWith('ec2'))
    return { value: true, evidence: '/sys/hypervisor/uuid starts with ec2' };
  const vendor = files.read('/sys/devices/virtual/dmi/id/sys_vendor')?.trim();
  if (vendor) return { value: false, evidence: `the machine's vendor is "${vendor}"` };
  return { value: null, evidence: 'no DMI vendor or hypervisor id readable' };
}

/** The first executable `name` on PATH, as a shell would find it, or null. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv, files: HostFiles): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (files.isExecutable(candidate)) return candidate;
  }
  return null;
}
