package dev.bastion.sandboxd;

import com.google.protobuf.Timestamp;
import dev.bastion.api.v1.FileInfo;
import dev.bastion.sandboxd.WorkspacePaths.WorkspacePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;

/** Builds {@link FileInfo}s (lstat-style: a symlink is described, not followed). Blocking. */
final class FileInfos {

  private static final PosixFilePermission[] BITS_HIGH_TO_LOW = {
    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE,
    PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_EXECUTE
  };

  private FileInfos() {}

  static FileInfo of(WorkspacePath path) throws IOException {
    PosixFileAttributes attributes =
        Files.readAttributes(path.host(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    Instant modified = attributes.lastModifiedTime().toInstant();
    FileInfo.Builder info =
        FileInfo.newBuilder()
            .setPath(path.logical())
            .setName(path.isRoot() ? "workspace" : path.host().getFileName().toString())
            .setType(type(attributes))
            .setSize(attributes.size())
            .setMode(mode(attributes.permissions()))
            .setModifiedAt(
                Timestamp.newBuilder()
                    .setSeconds(modified.getEpochSecond())
                    .setNanos(modified.getNano()));
    if (attributes.isSymbolicLink()) {
      info.setSymlinkTarget(Files.readSymbolicLink(path.host()).toString());
    }
    return info.build();
  }

  /** Permission bits (such as 0644) as a set, for creating files and directories. */
  static Set<PosixFilePermission> permissions(int mode) {
    StringBuilder symbolic = new StringBuilder();
    for (int i = 0; i < BITS_HIGH_TO_LOW.length; i++) {
      boolean set = (mode & (1 << (BITS_HIGH_TO_LOW.length - 1 - i))) != 0;
      symbolic.append(set ? "rwx".charAt(i % 3) : '-');
    }
    return PosixFilePermissions.fromString(symbolic.toString());
  }

  private static int mode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (int i = 0; i < BITS_HIGH_TO_LOW.length; i++) {
      if (permissions.contains(BITS_HIGH_TO_LOW[i])) {
        mode |= 1 << (BITS_HIGH_TO_LOW.length - 1 - i);
      }
    }
    return mode;
  }

  private static FileInfo.Type type(PosixFileAttributes attributes) {
    if (attributes.isSymbolicLink()) {
      return FileInfo.Type.SYMLINK;
    } else if (attributes.isDirectory()) {
      return FileInfo.Type.DIRECTORY;
    } else if (attributes.isRegularFile()) {
      return FileInfo.Type.FILE;
    }
    return FileInfo.Type.OTHER;
  }
}
