// CPU time of processes from /proc (what `ps -o %cpu` shows, but over a chosen window instead
// of the process's whole life), and of the whole machine from /proc/stat.
'use strict';
const { readFileSync, readdirSync } = require('node:fs');
const { execFileSync } = require('node:child_process');

let ticksPerSecond;
function hz() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** {ppid, cpuSeconds (user+system, all threads)} of pid, or undefined if gone. */
function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { ppid: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / hz() };
  } catch {
    return undefined;
  }
}

/** Seconds the threads of pid spent waiting for a CPU on a run queue (/proc/<pid>/task/<tid>/schedstat). */
function runqueueWaitSeconds(pid) {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
      } catch {
        /* thread gone */
      }
    }
  } catch {
    return undefined;
  }
  return ns / 1e9;
}

/** Direct children of pid (PostgreSQL's backends and auxiliary processes of the postmaster). */
function childrenOf(pid) {
  const kids = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (s && s.ppid === pid) kids.push(Number(name));
  }
  return kids;
}

/** Machine-wide CPU seconds since boot: busy (user+nice+system+irq+softirq), idle (+iowait), steal. */
function machineStat() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  const t = hz();
  return { busy: (user + nice + system + irq + softirq) / t, idle: (idle + iowait) / t, steal: (steal || 0) / t };
}

/**
 * Samples groups of pids every `intervalMs`: groups is {name: () => pid[]} (re-evaluated each
 * sample, so new PostgreSQL backends are counted). stop() returns, per group, the mean CPU share
 * over the window in % of one core (100 = one core busy), the highest 1-s sample, and the time
 * its threads spent runnable but waiting for a CPU (waitPct, same unit), plus the
 * machine's busy / steal / idle share (in % of one core, out of 100 × cores).
 */
function sampleCpu(groups, intervalMs = 1000) {
  const last = new Map(); // group:pid → cpuSeconds
  const lastWait = new Map(); // group:pid → run-queue wait seconds
  const totals = Object.fromEntries(Object.keys(groups).map((g) => [g, 0]));
  const waits = Object.fromEntries(Object.keys(groups).map((g) => [g, 0]));
  const peaks = Object.fromEntries(Object.keys(groups).map((g) => [g, 0]));
  const started = process.hrtime.bigint();
  const machine0 = machineStat();
  let prevT = started;
  const tick = () => {
    const now = process.hrtime.bigint();
    const dt = Number(now - prevT) / 1e9;
    prevT = now;
    for (const [name, pids] of Object.entries(groups)) {
      let delta = 0;
      for (const pid of pids()) {
        const s = procStat(pid);
        if (!s) continue;
        // Per group and pid: a pid may be in several groups (all apps, and each app).
        const key = `${name}:${pid}`;
        const before = last.get(key);
        // A pid first seen mid-window counts from its first sample on.
        if (before !== undefined) delta += s.cpuSeconds - before;
        last.set(key, s.cpuSeconds);
        const w = runqueueWaitSeconds(pid);
        if (w !== undefined) {
          if (lastWait.has(key)) waits[name] += w - lastWait.get(key);
          lastWait.set(key, w);
        }
      }
      totals[name] += delta;
      if (dt > 0) peaks[name] = Math.max(peaks[name], (100 * delta) / dt);
    }
  };
  tick();
  for (const g of Object.keys(peaks)) peaks[g] = 0;
  for (const g of Object.keys(totals)) totals[g] = 0;
  for (const g of Object.keys(waits)) waits[g] = 0;
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const machine1 = machineStat();
      const pct = (x) => Math.round((1000 * x) / seconds) / 10;
      const byGroup = {};
      // waitPct: time its threads were runnable but waiting for a CPU, in % of the window.
      for (const g of Object.keys(totals)) byGroup[g] = { meanPct: pct(totals[g]), peakPct: Math.round(peaks[g]), waitPct: pct(waits[g]) };
      return {
        seconds,
        groups: byGroup,
        machine: {
          busyPct: pct(machine1.busy - machine0.busy),
          stealPct: pct(machine1.steal - machine0.steal),
          idlePct: pct(machine1.idle - machine0.idle),
        },
      };
    },
  };
}

/** The postmaster's pid, from its data directory's postmaster.pid. */
function postmasterPid(dataDir) {
  return Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
}

module.exports = { runqueueWaitSeconds, procStat, childrenOf, machineStat, sampleCpu, postmasterPid };
