"""SecretBox: secrets at rest, and the key file it creates on first use."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from costlake.config import Settings
from costlake.errors import InvalidInput
from costlake.kit.secretbox import SecretBox, UndecryptableSecret, load_or_create_key_file


def settings_in(home: Path, **overrides: object) -> Settings:
    return Settings(home=home, **overrides)


class TestSecretBox:
    def test_refuses_a_key_that_is_not_a_fernet_key(self) -> None:
        with pytest.raises(InvalidInput, match="invalid secret key"):
            SecretBox("not-a-key")

    def test_refuses_a_token_altered_after_encryption(self) -> None:
        box = SecretBox(Fernet.generate_key())
        token = box.encrypt("aws-secret-access-key")
        altered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
        with pytest.raises(UndecryptableSecret):
            box.decrypt(altered)

    def test_refuses_a_token_made_under_another_key(self) -> None:
        token = SecretBox(Fernet.generate_key()).encrypt("credential")
        with pytest.raises(UndecryptableSecret, match="another COSTLAKE_SECRET_KEY"):
            SecretBox(Fernet.generate_key()).decrypt(token)

    def test_refuses_a_token_that_is_not_ascii(self) -> None:
        with pytest.raises(UndecryptableSecret):
            SecretBox(Fernet.generate_key()).decrypt("gAAAA€")

    def test_decrypting_returns_exactly_what_was_encrypted(self) -> None:
        box = SecretBox(Fernet.generate_key())
        plaintext = '{"client_secret": "s3cr3t/é+="}'
        assert box.decrypt(box.encrypt(plaintext)) == plaintext

    def test_tokens_hide_the_plaintext_and_differ_every_time(self) -> None:
        box = SecretBox(Fernet.generate_key())
        first, second = box.encrypt("hunter2hunter2"), box.encrypt("hunter2hunter2")
        assert first != second
        assert "hunter2" not in first
        assert box.decrypt(first) == box.decrypt(second) == "hunter2hunter2"


class TestKeyFile:
    def test_refuses_a_key_file_other_users_can_read(self, tmp_path: Path) -> None:
        path = tmp_path / "secret.key"
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o644)
        with pytest.raises(InvalidInput, match="chmod 600"):
            load_or_create_key_file(path)

    def test_refuses_an_empty_key_file(self, tmp_path: Path) -> None:
        path = tmp_path / "secret.key"
        path.touch(mode=0o600)
        with pytest.raises(InvalidInput, match="empty"):
            load_or_create_key_file(path)

    def test_first_use_creates_a_key_file_only_its_owner_can_read(self, tmp_path: Path) -> None:
        settings = settings_in(tmp_path / "home")
        SecretBox.from_settings(settings)
        mode = stat.S_IMODE(settings.secret_key_file.stat().st_mode)
        assert mode == 0o600
        assert not [p for p in settings.home.iterdir() if p != settings.secret_key_file]

    def test_later_uses_decrypt_what_earlier_ones_encrypted(self, tmp_path: Path) -> None:
        settings = settings_in(tmp_path)
        token = SecretBox.from_settings(settings).encrypt("credential")
        assert SecretBox.from_settings(settings).decrypt(token) == "credential"

    def test_a_configured_key_is_used_and_no_file_is_written(self, tmp_path: Path) -> None:
        key = Fernet.generate_key().decode()
        settings = settings_in(tmp_path, secret_key=key)
        token = SecretBox.from_settings(settings).encrypt("credential")
        assert SecretBox(key).decrypt(token) == "credential"
        assert not settings.secret_key_file.exists()

    def test_processes_starting_together_agree_on_one_key(self, tmp_path: Path) -> None:
        path = tmp_path / "secret.key"
        barrier = threading.Barrier(8)
        keys: list[bytes] = []

        def first_use() -> None:
            barrier.wait()
            keys.append(load_or_create_key_file(path))

        threads = [threading.Thread(target=first_use) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(keys) == 8
        assert set(keys) == {path.read_bytes().strip()}
        assert sorted(os.listdir(tmp_path)) == ["secret.key"], "temporary files left behind"
