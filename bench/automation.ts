// npm run bench:automation: the engine's overhead per step, an aws:runCommand step beside a bare
// SendCommand, and AWS-RestartEC2Instance beside a bare `docker restart` (written once the engine runs).
console.error('bench/automation: not written yet');
process.exit(1);
