package dev.bastion.sandboxd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.FileInfo;
import dev.bastion.api.v1.FilesGrpcClient;
import dev.bastion.api.v1.ListProcessesRequest;
import dev.bastion.api.v1.ListProcessesResponse;
import dev.bastion.api.v1.MakeDirRequest;
import dev.bastion.api.v1.ProcessesGrpcClient;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.WriteFileHeader;
import dev.bastion.api.v1.WriteFileRequest;
import dev.bastion.sandboxd.GrpcTestClient.Outcome;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sandboxd as a sandbox runs it: behind a token on its Unix socket, starting every process as
 * another user ({@code --run-as}) and handing that user every file and directory it creates. Runs
 * as root on the host, as sandboxd runs as the sandbox's root.
 */
class AgentUserIT {

  private static final int AGENT = 1000;
  private static final String TOKEN = "agent-user-it-token";

  @TempDir static Path temp;
  static Path workspace;
  static SandboxdServer server;
  static GrpcTestClient client;
  static Path socket;

  @BeforeAll
  static void startServer() throws Exception {
    workspace = Files.createDirectory(temp.resolve("workspace"));
    // The agent's processes start there after dropping to its uid: it must be able to enter.
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setAttribute(workspace, "unix:uid", AGENT);
    Path tokenFile = Files.writeString(temp.resolve("token"), TOKEN);
    socket = temp.resolve("run/sandboxd.sock");
    server =
        LocalSandboxd.start(
            "--socket", socket.toString(),
            "--token-file", tokenFile.toString(),
            "--run-as", AGENT + ":" + AGENT,
            "--workspace", workspace.toString());
    client =
        new GrpcTestClient(
            io.vertx.core.net.SocketAddress.domainSocketAddress(socket.toString()),
            "Bearer " + TOKEN);
  }

  @AfterAll
  static void stopServer() throws Exception {
    client.close();
    LocalSandboxd.stop(server);
  }

  @Test
  void theUnixSocketRefusesCallsWithoutTheToken() throws Exception {
    for (String authorization : new String[] {null, "Bearer another-sandboxs-token"}) {
      try (GrpcTestClient stranger =
          new GrpcTestClient(
              io.vertx.core.net.SocketAddress.domainSocketAddress(socket.toString()),
              authorization)) {
        Outcome<ListProcessesResponse> outcome =
            stranger.call(ProcessesGrpcClient.List, ListProcessesRequest.getDefaultInstance());
        assertThat(outcome.status()).as(authorization).isEqualTo(GrpcStatus.UNAUTHENTICATED);
      }
    }
  }

  @Test
  void processesRunAsTheAgentWithNoCapabilitiesAndNoNewPrivileges() throws Exception {
    assertThat(
            shellOutput(
                "id -u; id -g; id -G; grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs)'"
                    + " /proc/self/status | tr -s '\\t' ' '"))
        .isEqualTo(
            "1000\n1000\n1000\nCapPrm: 0000000000000000\nCapEff: 0000000000000000\n"
                + "CapBnd: 0000000000000000\nNoNewPrivs: 1\n");
  }

  @Test
  void processesInheritNoCapabilitiesToPassOnAndNoDescriptorOfSandboxds() throws Exception {
    // A process that kept an inheritable or ambient capability could hand it to what it executes;
    // one that inherited a descriptor of sandboxd's (its socket, the JVM's files) could use it.
    assertThat(
            shellOutput(
                "grep -E '^(CapInh|CapAmb)' /proc/self/status | tr -s '\\t' ' ';"
                    + " ls /proc/$$/fd | tr '\\n' ' '"))
        .isEqualTo("CapInh: 0000000000000000\nCapAmb: 0000000000000000\n0 1 2 ");
  }

  @Test
  void writeCreatesMissingParentsAllOwnedByTheAgent() throws Exception {
    write(header("made/by/write/file.txt"));
    for (String entry :
        new String[] {"made", "made/by", "made/by/write", "made/by/write/file.txt"}) {
      assertThat(
              Files.getAttribute(workspace.resolve(entry), "unix:uid", LinkOption.NOFOLLOW_LINKS))
          .as(entry)
          .isEqualTo(AGENT);
      assertThat(
              Files.getAttribute(workspace.resolve(entry), "unix:gid", LinkOption.NOFOLLOW_LINKS))
          .as(entry)
          .isEqualTo(AGENT);
    }
    assertThat(workspace.resolve("made/by/write/file.txt")).hasContent("hello");
  }

  @Test
  void writeToldNotToCreateParentsFailsWithNotFound() throws Exception {
    Outcome<FileInfo> outcome = write(header("absent/file.txt").setNoCreateParents(true));
    assertThat(outcome.status()).isEqualTo(GrpcStatus.NOT_FOUND);
    assertThat(workspace.resolve("absent")).doesNotExist();
  }

  @Test
  void appendedAndMadeDirectoriesBelongToTheAgent() throws Exception {
    write(header("appended.txt").setAppend(true));
    client
        .call(
            FilesGrpcClient.MakeDir,
            MakeDirRequest.newBuilder().setPath("deep/dir").setParents(true).build())
        .single();
    for (String entry : new String[] {"appended.txt", "deep", "deep/dir"}) {
      assertThat(Files.getAttribute(workspace.resolve(entry), "unix:uid"))
          .as(entry)
          .isEqualTo(AGENT);
    }
  }

  /** The stdout of {@code script} run by {@code sh -c} through Run, as the agent. */
  private static String shellOutput(String script) throws Exception {
    RunResult result =
        client
            .call(
                ProcessesGrpcClient.Run,
                RunRequest.newBuilder().addArgv("sh").addArgv("-c").addArgv(script).build())
            .single();
    return result.getStdout().toStringUtf8();
  }

  private static WriteFileHeader.Builder header(String path) {
    return WriteFileHeader.newBuilder().setPath(path);
  }

  private static Outcome<FileInfo> write(WriteFileHeader.Builder header) throws Exception {
    return client.call(
        FilesGrpcClient.Write,
        WriteFileRequest.newBuilder().setHeader(header).build(),
        WriteFileRequest.newBuilder().setData(ByteString.copyFromUtf8("hello")).build());
  }
}
