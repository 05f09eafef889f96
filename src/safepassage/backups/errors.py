"""Why a backup or a restore was refused; each message tells the operator what to do."""

from safepassage.core.backup_archive import BackupError


class DatabaseNotEmpty(BackupError):
    code = "backup_database_not_empty"


class WrongDatabaseEngine(BackupError):
    code = "backup_wrong_engine"


class ToolMissing(BackupError):
    code = "backup_tool_missing"


class ToolFailed(BackupError):
    code = "backup_tool_failed"
