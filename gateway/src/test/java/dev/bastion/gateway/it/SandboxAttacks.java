package dev.bastion.gateway.it;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The attacks run from inside a sandbox, as data: each one is a Python program that tries something
 * and prints one line per attempt, {@code LABEL: ok} when the attempt ended the way containment
 * means (the errno or result the case expects) and {@code LABEL: UNEXPECTED ...} otherwise. A case
 * passes when the sandbox prints exactly its expected lines.
 *
 * <p>Programs may use the placeholders of {@link HostFacts}, filled in by the test: they let a
 * program aim at things that exist only on the host.
 */
final class SandboxAttacks {

  /**
   * One attack.
   *
   * @param name a short name, also used in docs/SECURITY.md
   * @param program the Python program
   * @param labels the attempts it makes, in the order it prints them
   */
  record Attack(String name, String program, List<String> labels) {

    /** What the sandbox prints when every attempt is contained. */
    String expected() {
      return labels.stream().map(label -> label + ": ok\n").collect(Collectors.joining());
    }

    /** The program with the host's facts filled in, after the shared prelude. */
    String script(HostFacts host) {
      String text = PRELUDE + program;
      for (Map.Entry<String, String> fact : host.placeholders().entrySet()) {
        text = text.replace(fact.getKey(), fact.getValue());
      }
      return text;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * What the host looks like, for programs to aim at.
   *
   * @param marker a file that exists only on the host (its /tmp)
   * @param stateMarker a file that exists only on the host, beside the sandboxes' workspaces
   * @param loopbackPort a port the host listens on at 127.0.0.1
   * @param hostAddress an address of one of the host's own interfaces (not loopback)
   * @param anyPort a port the host listens on at every address
   * @param gatewayPort the gateway's own port (on the host's loopback)
   * @param kernel the host kernel's release ({@code uname -r})
   */
  record HostFacts(
      String marker,
      String stateMarker,
      int loopbackPort,
      String hostAddress,
      int anyPort,
      int gatewayPort,
      String kernel) {

    Map<String, String> placeholders() {
      return Map.of(
          "{MARKER}", marker,
          "{STATE_MARKER}", stateMarker,
          "{LOOPBACK_PORT}", Integer.toString(loopbackPort),
          "{HOST_ADDRESS}", hostAddress,
          "{ANY_PORT}", Integer.toString(anyPort),
          "{GATEWAY_PORT}", Integer.toString(gatewayPort),
          "{HOST_KERNEL}", kernel);
    }
  }

  /**
   * Helpers every program starts with: {@code sys(nr, *args)} makes a raw system call and {@code
   * attempt(fn)} runs Python code; both return "succeeded" or the errno's name. {@code expect}
   * prints the verdict line.
   */
  static final String PRELUDE =
      """
      import ctypes, errno, os, socket, sys
      libc = ctypes.CDLL(None, use_errno=True)
      libc.syscall.restype = ctypes.c_long
      def arg(a):
          if isinstance(a, int):
              return ctypes.c_long(a)
          if isinstance(a, bytes):
              return ctypes.c_char_p(a)
          return a
      def sys_(nr, *args):
          ctypes.set_errno(0)
          r = libc.syscall(ctypes.c_long(nr), *[arg(a) for a in args])
          return 'succeeded' if r != -1 else errno.errorcode.get(ctypes.get_errno(), '?')
      def attempt(fn):
          try:
              fn()
              return 'succeeded'
          except OSError as e:
              return errno.errorcode.get(e.errno, str(e.errno)) if e.errno else type(e).__name__
      def expect(label, outcome, *wanted):
          print(label + (': ok' if outcome in wanted else ': UNEXPECTED ' + str(outcome)))
      def read(path):
          with open(path, 'rb') as f:
              return f.read()
      def write(path, data=b'x', mode='wb'):
          with open(path, mode) as f:
              f.write(data)
      def connect(address, kind=socket.SOCK_STREAM):
          family = socket.AF_INET6 if ':' in address[0] else socket.AF_INET
          s = socket.socket(family, kind)
          s.settimeout(5)
          try:
              s.connect(address)
          finally:
              s.close()
      """;

  static final List<Attack> ALL =
      List.of(
          new Attack(
              "sandboxd out of reach",
              """
              import glob
              sandboxd = [int(p.split('/')[2]) for p in glob.glob('/proc/[0-9]*/cmdline')
                          if b'/opt/bastion/sandboxd.jar' in open(p, 'rb').read().split(b'\\0')][0]
              status = dict(l.split(':\\t', 1) for l in open('/proc/%d/status' % sandboxd)
                            .read().splitlines() if ':\\t' in l)
              expect('sandboxd runs as another uid', status['Uid'].split()[0] != str(os.getuid()),
                     True)
              expect('kill -0 sandboxd', attempt(lambda: os.kill(sandboxd, 0)), 'EPERM')
              expect('kill -0 tini', attempt(lambda: os.kill(1, 0)), 'EPERM')
              expect('ptrace attach sandboxd', sys_(101, 16, sandboxd, 0, 0), 'EPERM')
              expect('read sandboxd mem',
                     attempt(lambda: read('/proc/%d/mem' % sandboxd)), 'EACCES', 'EPERM')
              # runsc 0.0~20221219 shows any process's environ; sandboxd's holds nothing secret.
              environ = attempt(lambda: read('/proc/%d/environ' % sandboxd))
              secret = environ == 'succeeded' and b'token' in read('/proc/%d/environ' % sandboxd)
              expect('sandboxd environ holds no secret', secret, False)
              expect('write the container log (/proc/1/fd/1)',
                     attempt(lambda: write('/proc/1/fd/1', b'x' * 1024)), 'EACCES', 'EPERM')
              expect('write the container log (/proc/1/fd/2)',
                     attempt(lambda: write('/proc/1/fd/2', b'x' * 1024)), 'EACCES', 'EPERM')
              """,
              List.of(
                  "sandboxd runs as another uid",
                  "kill -0 sandboxd",
                  "kill -0 tini",
                  "ptrace attach sandboxd",
                  "read sandboxd mem",
                  "sandboxd environ holds no secret",
                  "write the container log (/proc/1/fd/1)",
                  "write the container log (/proc/1/fd/2)")),
          new Attack(
              "sandboxd's socket directory",
              """
              d = '/run/bastion'
              expect('list it', attempt(lambda: os.listdir(d)), 'EACCES')
              expect('read the token', attempt(lambda: read(d + '/token')), 'EACCES')
              expect('remove the socket', attempt(lambda: os.unlink(d + '/sandboxd.sock')),
                     'EACCES')
              expect('link the socket elsewhere',
                     attempt(lambda: os.symlink('/tmp/fake.sock', d + '/other.sock')), 'EACCES')
              def serve(path):
                  s = socket.socket(socket.AF_UNIX)
                  try:
                      s.bind(path)
                  finally:
                      s.close()
              expect('serve a fake sandboxd there', attempt(lambda: serve(d + '/fake.sock')),
                     'EACCES')
              """,
              List.of(
                  "list it",
                  "read the token",
                  "remove the socket",
                  "link the socket elsewhere",
                  "serve a fake sandboxd there")),
          new Attack(
              "host files are invisible",
              """
              expect('host /tmp marker', attempt(lambda: read('{MARKER}')), 'ENOENT')
              expect('host state-dir marker', attempt(lambda: read('{STATE_MARKER}')), 'ENOENT')
              expect('marker via /proc/1/root',
                     attempt(lambda: read('/proc/1/root{MARKER}')), 'ENOENT', 'EACCES')
              expect('marker via /proc/self/root',
                     attempt(lambda: read('/proc/self/root{MARKER}')), 'ENOENT')
              found = [os.path.join(d, f) for d, _, fs in os.walk('/')
                       if not d.startswith(('/proc', '/sys')) for f in fs
                       if f == os.path.basename('{MARKER}')]
              expect('marker anywhere in the sandbox', 'found' if found else 'absent', 'absent')
              """,
              List.of(
                  "host /tmp marker",
                  "host state-dir marker",
                  "marker via /proc/1/root",
                  "marker via /proc/self/root",
                  "marker anywhere in the sandbox")),
          new Attack(
              "/etc/shadow",
              """
              expect('read /etc/shadow', attempt(lambda: read('/etc/shadow')), 'EACCES')
              expect('read /proc/1/root/etc/shadow',
                     attempt(lambda: read('/proc/1/root/etc/shadow')), 'EACCES')
              """,
              List.of("read /etc/shadow", "read /proc/1/root/etc/shadow")),
          new Attack(
              "read-only root",
              """
              # /var/tmp is writable by everyone: only the read-only mount stops the write.
              expect('write /var/tmp (mode 1777)', attempt(lambda: write('/var/tmp/x')), 'EROFS')
              expect('write /usr/bin', attempt(lambda: write('/usr/bin/x')), 'EACCES', 'EROFS')
              expect('write /', attempt(lambda: write('/x')), 'EACCES', 'EROFS')
              expect('chmod /usr', attempt(lambda: os.chmod('/usr', 0o777)), 'EPERM', 'EROFS')
              root = [l.split()[3] for l in open('/proc/mounts') if l.split()[1] == '/'][0]
              expect('/ mounted ro', root.split(',')[0], 'ro')
              # sandboxd's runtime: pid 1 (tini) and sandboxd's Java come from there.
              expect("write sandboxd's tini",
                     attempt(lambda: write('/opt/bastion/bin/tini', b'x', 'r+b')),
                     'EACCES', 'EROFS')
              expect("add to sandboxd's runtime",
                     attempt(lambda: write('/opt/bastion/bin/x')), 'EACCES', 'EROFS')
              runtime = [l.split()[3] for l in open('/proc/mounts') if l.split()[1] == '/opt/bastion']
              expect('/opt/bastion mounted ro', runtime[0].split(',')[0] if runtime else 'absent',
                     'ro')
              """,
              List.of(
                  "write /var/tmp (mode 1777)",
                  "write /usr/bin",
                  "write /",
                  "chmod /usr",
                  "/ mounted ro",
                  "write sandboxd's tini",
                  "add to sandboxd's runtime",
                  "/opt/bastion mounted ro")),
          new Attack(
              "/proc/1/root",
              """
              # pid 1's root is off limits (gVisor checks ptrace access); one's own is the sandbox's.
              expect('readlink /proc/1/root', attempt(lambda: os.readlink('/proc/1/root')),
                     'EACCES', 'succeeded')
              expect('/proc/self/root points at /', os.readlink('/proc/self/root'), '/')
              same = sorted(os.listdir('/proc/self/root')) == sorted(os.listdir('/'))
              expect('/proc/self/root lists the sandbox root', same, True)
              expect('/proc/self/root/../.. stays', os.path.realpath('/proc/self/root/../..'), '/')
              """,
              List.of(
                  "readlink /proc/1/root",
                  "/proc/self/root points at /",
                  "/proc/self/root lists the sandbox root",
                  "/proc/self/root/../.. stays")),
          new Attack(
              "/proc/self/mem",
              """
              expect('open /proc/self/mem rw',
                     attempt(lambda: os.open('/proc/self/mem', os.O_RDWR)), 'EACCES', 'EPERM')
              expect('read /proc/1/mem', attempt(lambda: read('/proc/1/mem')), 'EACCES', 'EPERM')
              """,
              List.of("open /proc/self/mem rw", "read /proc/1/mem")),
          new Attack(
              "/proc/sysrq-trigger",
              """
              expect('write b to sysrq-trigger',
                     attempt(lambda: write('/proc/sysrq-trigger', b'b')),
                     'EACCES', 'EROFS', 'ENOENT')
              expect('write /proc/sys/kernel/panic',
                     attempt(lambda: write('/proc/sys/kernel/panic', b'1')),
                     'EACCES', 'EROFS', 'ENOENT')
              """,
              List.of("write b to sysrq-trigger", "write /proc/sys/kernel/panic")),
          new Attack(
              "/sys/fs/cgroup",
              """
              expect('write cgroup.procs',
                     attempt(lambda: write('/sys/fs/cgroup/cgroup.procs', b'1')),
                     'EACCES', 'EROFS', 'ENOENT')
              expect('raise memory.max',
                     attempt(lambda: write('/sys/fs/cgroup/memory.max', b'max')),
                     'EACCES', 'EROFS', 'ENOENT')
              expect('write /sys/kernel/uevent_helper',
                     attempt(lambda: write('/sys/kernel/uevent_helper', b'/x')),
                     'EACCES', 'EROFS', 'ENOENT')
              """,
              List.of("write cgroup.procs", "raise memory.max", "write /sys/kernel/uevent_helper")),
          new Attack(
              "/proc/kcore and kallsyms",
              """
              expect('read /proc/kcore', attempt(lambda: read('/proc/kcore')), 'ENOENT', 'EACCES')
              try:
                  symbols = [l.split()[0] for l in open('/proc/kallsyms')]
                  leaked = 'addresses' if any(int(a, 16) for a in symbols) else 'zeroed'
              except OSError as e:
                  leaked = errno.errorcode[e.errno]
              expect('kernel addresses in /proc/kallsyms', leaked, 'ENOENT', 'zeroed')
              """,
              List.of("read /proc/kcore", "kernel addresses in /proc/kallsyms")),
          new Attack(
              "kernel modules",
              """
              expect('read /proc/modules', attempt(lambda: read('/proc/modules')), 'ENOENT')
              expect('init_module', sys_(175, 0, 0, b''), 'EPERM', 'ENOSYS')
              expect('finit_module', sys_(313, 0, b'', 0), 'EPERM', 'ENOSYS')
              expect('delete_module', sys_(176, b'ext4', 0), 'EPERM', 'ENOSYS')
              """,
              List.of("read /proc/modules", "init_module", "finit_module", "delete_module")),
          new Attack(
              "mount tmpfs",
              """
              expect('mount -t tmpfs', sys_(165, b'none', b'/tmp', b'tmpfs', 0, 0), 'EPERM')
              expect('umount /workspace', sys_(166, b'/workspace', 0), 'EPERM')
              """,
              List.of("mount -t tmpfs", "umount /workspace")),
          new Attack(
              "mount --bind",
              """
              MS_BIND, MS_REMOUNT = 4096, 32
              expect('bind / over /tmp', sys_(165, b'/', b'/tmp', b'', MS_BIND, 0), 'EPERM')
              expect('remount / rw', sys_(165, b'', b'/', b'', MS_REMOUNT, 0), 'EPERM')
              """,
              List.of("bind / over /tmp", "remount / rw")),
          new Attack(
              "ptrace",
              """
              PTRACE_ATTACH, PTRACE_DETACH = 16, 17
              expect('PTRACE_ATTACH to pid 1', sys_(101, PTRACE_ATTACH, 1, 0, 0), 'EPERM')
              sandboxd = [int(p) for p in os.listdir('/proc') if p.isdigit()
                          and b'sandboxd' in read('/proc/%s/cmdline' % p)
                          and b'tini' not in read('/proc/%s/cmdline' % p)][0]
              expect('PTRACE_ATTACH to sandboxd', sys_(101, PTRACE_ATTACH, sandboxd, 0, 0), 'EPERM')
              # Tracing one's own child is ordinary Linux and stays inside gVisor.
              child = os.fork()
              if child == 0:
                  import time
                  time.sleep(30)
                  os._exit(0)
              expect('PTRACE_ATTACH to own child', sys_(101, PTRACE_ATTACH, child, 0, 0), 'succeeded')
              os.kill(child, 9)
              os.waitpid(child, 0)
              """,
              List.of(
                  "PTRACE_ATTACH to pid 1",
                  "PTRACE_ATTACH to sandboxd",
                  "PTRACE_ATTACH to own child")),
          new Attack(
              "raw sockets",
              """
              raw = lambda family, proto: lambda: socket.socket(family, socket.SOCK_RAW, proto)
              expect('AF_INET SOCK_RAW icmp', attempt(raw(socket.AF_INET, 1)), 'EPERM')
              expect('AF_INET SOCK_RAW raw', attempt(raw(socket.AF_INET, 255)), 'EPERM')
              expect('AF_INET6 SOCK_RAW icmpv6', attempt(raw(socket.AF_INET6, 58)), 'EPERM')
              """,
              List.of("AF_INET SOCK_RAW icmp", "AF_INET SOCK_RAW raw", "AF_INET6 SOCK_RAW icmpv6")),
          new Attack(
              "AF_PACKET",
              """
              ETH_P_ALL = 0x0003
              packet = lambda kind: lambda: socket.socket(17, kind, socket.htons(ETH_P_ALL))
              expect('AF_PACKET SOCK_RAW', attempt(packet(socket.SOCK_RAW)), 'EPERM')
              expect('AF_PACKET SOCK_DGRAM', attempt(packet(socket.SOCK_DGRAM)), 'EPERM')
              """,
              List.of("AF_PACKET SOCK_RAW", "AF_PACKET SOCK_DGRAM")),
          new Attack(
              "setuid",
              """
              expect('setuid(0)', sys_(105, 0), 'EPERM')
              expect('setresuid(0, 0, 0)', sys_(117, 0, 0, 0), 'EPERM')
              expect('setgid(0)', sys_(106, 0), 'EPERM')
              status = dict(l.split(':\\t', 1) for l in open('/proc/self/status').read().splitlines()
                            if ':\\t' in l)
              expect('effective capabilities', status['CapEff'].strip(), '0000000000000000')
              expect('bounding capabilities', status['CapBnd'].strip(), '0000000000000000')
              """,
              List.of(
                  "setuid(0)",
                  "setresuid(0, 0, 0)",
                  "setgid(0)",
                  "effective capabilities",
                  "bounding capabilities")),
          new Attack(
              "unshare",
              """
              CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWUSER = 0x20000, 0x40000000, 0x10000000
              def in_child(steps):
                  r, w = os.pipe()
                  child = os.fork()
                  if child == 0:
                      os.close(r)
                      os.write(w, ' '.join(step() for step in steps).encode())
                      os._exit(0)
                  os.close(w)
                  os.waitpid(child, 0)
                  return os.read(r, 1000).decode().split()
              expect('unshare(CLONE_NEWNET)', sys_(272, CLONE_NEWNET), 'EPERM')
              # gVisor lets an unprivileged process have its own mount namespace (Linux would not);
              # mounting in it is still refused.
              mntns, mount = in_child([lambda: sys_(272, CLONE_NEWNS),
                                       lambda: sys_(165, b'none', b'/tmp', b'tmpfs', 0, 0)])
              expect('unshare(CLONE_NEWNS)', mntns, 'succeeded', 'EPERM')
              expect('... then mount tmpfs in it', mount, 'EPERM')
              # A user namespace is allowed (gVisor implements them); its "root" owns nothing.
              userns, shadow, usr, mount = in_child([
                  lambda: sys_(272, CLONE_NEWUSER),
                  lambda: attempt(lambda: read('/etc/shadow')),
                  lambda: attempt(lambda: write('/usr/bin/x')),
                  lambda: sys_(165, b'none', b'/tmp', b'tmpfs', 0, 0)])
              expect('unshare(CLONE_NEWUSER)', userns, 'succeeded', 'EPERM')
              expect('... then read /etc/shadow', shadow, 'EACCES')
              expect('... then write /usr/bin', usr, 'EACCES', 'EROFS')
              expect('... then mount tmpfs as its root', mount, 'EPERM')
              """,
              List.of(
                  "unshare(CLONE_NEWNET)",
                  "unshare(CLONE_NEWNS)",
                  "... then mount tmpfs in it",
                  "unshare(CLONE_NEWUSER)",
                  "... then read /etc/shadow",
                  "... then write /usr/bin",
                  "... then mount tmpfs as its root")),
          new Attack(
              "chroot and pivot_root",
              """
              expect('chroot /tmp', attempt(lambda: os.chroot('/tmp')), 'EPERM')
              expect('pivot_root', sys_(155, b'/tmp', b'/tmp'), 'EPERM', 'EINVAL')
              """,
              List.of("chroot /tmp", "pivot_root")),
          new Attack(
              "keyctl",
              """
              KEY_SPEC_USER_KEYRING, KEYCTL_READ = -4, 11
              expect('add_key', sys_(248, b'user', b'k', b'v', 1, KEY_SPEC_USER_KEYRING),
                     'EACCES', 'ENOSYS', 'EPERM')
              expect('keyctl read', sys_(250, KEYCTL_READ, KEY_SPEC_USER_KEYRING, 0, 0, 0),
                     'EACCES', 'ENOSYS', 'EPERM')
              """,
              List.of("add_key", "keyctl read")),
          new Attack(
              "bpf",
              """
              BPF_MAP_CREATE, BPF_PROG_LOAD = 0, 5
              attr = ctypes.create_string_buffer(128)
              expect('bpf(BPF_PROG_LOAD)', sys_(321, BPF_PROG_LOAD, attr, 128), 'EPERM', 'ENOSYS')
              expect('bpf(BPF_MAP_CREATE)', sys_(321, BPF_MAP_CREATE, attr, 128), 'EPERM', 'ENOSYS')
              """,
              List.of("bpf(BPF_PROG_LOAD)", "bpf(BPF_MAP_CREATE)")),
          new Attack(
              "perf_event_open",
              """
              attr = ctypes.create_string_buffer(128)
              expect('perf_event_open', sys_(298, attr, 0, -1, -1, 0),
                     'ENODEV', 'ENOSYS', 'EACCES', 'EPERM')
              """,
              List.of("perf_event_open")),
          new Attack(
              "reboot, kexec, clock, I/O ports",
              """
              expect('reboot', sys_(169, 0xfee1dead, 672274793, 0x1234567, 0), 'EPERM')
              expect('kexec_load', sys_(246, 0, 0, 0, 0), 'EPERM', 'ENOSYS')
              expect('settimeofday', sys_(164, ctypes.create_string_buffer(16), 0), 'EPERM')
              expect('iopl(3)', sys_(172, 3), 'EPERM', 'ENOSYS')
              expect('ioperm', sys_(173, 0, 1024, 1), 'EPERM', 'ENOSYS')
              expect('swapon', sys_(167, b'/tmp/swap', 0), 'EPERM', 'ENOSYS')
              """,
              List.of("reboot", "kexec_load", "settimeofday", "iopl(3)", "ioperm", "swapon")),
          new Attack(
              "device nodes",
              """
              S_IFBLK = 0o060000
              for dev in ['/dev/mem', '/dev/kmem', '/dev/kmsg', '/dev/sda', '/dev/vda']:
                  expect('open ' + dev, attempt(lambda: read(dev)), 'ENOENT')
              # gVisor lets mknod make the node, but no host device stands behind it.
              made = attempt(lambda: os.mknod('/tmp/disk', S_IFBLK | 0o600, os.makedev(8, 0)))
              expect('mknod block 8:0', made, 'succeeded', 'EPERM')
              opened = attempt(lambda: read('/tmp/disk')) if made == 'succeeded' else 'ENXIO'
              expect('open the node', opened, 'ENXIO', 'EACCES', 'EPERM')
              """,
              List.of(
                  "open /dev/mem",
                  "open /dev/kmem",
                  "open /dev/kmsg",
                  "open /dev/sda",
                  "open /dev/vda",
                  "mknod block 8:0",
                  "open the node")),
          new Attack(
              "host processes",
              """
              mine = os.getpid()
              others = [read('/proc/%s/cmdline' % p).split(b'\\0')[0] for p in os.listdir('/proc')
                        if p.isdigit() and int(p) != mine]
              known = {b'/opt/bastion/bin/tini', b'/opt/bastion/java/bin/java', b'python3'}
              expect('only the sandbox\\'s own processes',
                     sorted(set(others) - known) or 'none other', 'none other')
              expect('pid 1 is tini', read('/proc/1/cmdline').split(b'\\0')[0],
                     b'/opt/bastion/bin/tini')
              """,
              List.of("only the sandbox's own processes", "pid 1 is tini")),
          new Attack(
              "host kernel",
              """
              expect('uname release is not the host\\'s', os.uname().release != '{HOST_KERNEL}', True)
              expect('/proc/version does not name it',
                     '{HOST_KERNEL}' in read('/proc/version').decode(), False)
              """,
              List.of("uname release is not the host's", "/proc/version does not name it")),
          new Attack(
              "DNS",
              """
              try:
                  socket.getaddrinfo('example.com', 443)
                  resolved = 'resolved'
              except socket.gaierror as e:
                  resolved = 'gaierror'
              expect('resolve example.com', resolved, 'gaierror')
              expect('UDP to 8.8.8.8:53',
                     attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                             .sendto(b'x', ('8.8.8.8', 53))),
                     'ENETUNREACH', 'EHOSTUNREACH')
              """,
              List.of("resolve example.com", "UDP to 8.8.8.8:53")),
          new Attack(
              "external addresses",
              """
              for address in [('1.1.1.1', 443), ('8.8.8.8', 53), ('169.254.169.254', 80),
                              ('10.0.0.1', 22), ('2606:4700:4700::1111', 443)]:
                  expect('connect %s:%d' % address, attempt(lambda: connect(address)),
                         'ENETUNREACH', 'EHOSTUNREACH', 'EAFNOSUPPORT', 'EADDRNOTAVAIL')
              """,
              List.of(
                  "connect 1.1.1.1:443",
                  "connect 8.8.8.8:53",
                  "connect 169.254.169.254:80",
                  "connect 10.0.0.1:22",
                  "connect 2606:4700:4700::1111:443")),
          new Attack(
              "host loopback",
              """
              # 127.0.0.1 inside is the sandbox's own loopback: the host's ports are not there.
              expect('host 127.0.0.1 listener',
                     attempt(lambda: connect(('127.0.0.1', {LOOPBACK_PORT}))), 'ECONNREFUSED')
              expect('the gateway\\'s own port',
                     attempt(lambda: connect(('127.0.0.1', {GATEWAY_PORT}))), 'ECONNREFUSED')
              expect('host ::1', attempt(lambda: connect(('::1', {LOOPBACK_PORT}))),
                     'ECONNREFUSED', 'EADDRNOTAVAIL', 'EAFNOSUPPORT', 'ENETUNREACH')
              """,
              List.of("host 127.0.0.1 listener", "the gateway's own port", "host ::1")),
          new Attack(
              "host interface",
              """
              expect('host interface listener',
                     attempt(lambda: connect(('{HOST_ADDRESS}', {ANY_PORT}))),
                     'ENETUNREACH', 'EHOSTUNREACH')
              """,
              List.of("host interface listener")),
          new Attack(
              "interfaces",
              """
              expect('interfaces', [name for _, name in socket.if_nameindex()], ['lo'])
              routes = open('/proc/net/route').read().splitlines()[1:]
              expect('routes', routes, [])
              """,
              List.of("interfaces", "routes")));

  private SandboxAttacks() {}
}
