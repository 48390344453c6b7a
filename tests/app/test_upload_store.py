"""What the server keeps of a session's uploads (mapkit.app.upload_store): Streamlit's store capped per session as
each file arrives, whatever sent it; the encoded layer served from memory."""

from __future__ import annotations

from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

from mapkit.app import upload_store
from mapkit.data.uploads import MAX_BYTES, MAX_HELD_BYTES, MAX_HELD_FILES
from mapkit.web.encode import GeometryPayload

FILE = int(4.9 * 1024 * 1024)


def _file(file_id: str, size: int = FILE) -> UploadedFileRec:
    return UploadedFileRec(file_id=file_id, name=f"{file_id}.csv", type="text/csv", data=b"x" * size)


def test_forty_files_under_made_up_ids_leave_two_held() -> None:
    """Issue 27: one session sent 40 files of 4.9 MB under made-up file ids and the server held them all."""
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    held = upload_store.install(manager)
    for n in range(40):
        manager.add_file("attacker", _file(f"made-up-{n}"))  # what the server's upload route calls
        assert len(manager.file_storage["attacker"]) <= MAX_HELD_FILES
        assert sum(len(f.data) for f in manager.file_storage["attacker"].values()) <= MAX_HELD_BYTES
    assert list(manager.file_storage["attacker"]) == ["made-up-38", "made-up-39"]  # the newest
    assert manager._total_bytes == 2 * FILE  # the store's own account: the dropped files are gone
    assert held.take_dropped("attacker") == 38 and held.take_dropped("attacker") == 0


def test_other_sessions_and_a_replacement_are_untouched() -> None:
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    held = upload_store.install(manager)
    manager.add_file("colleague", _file("mine", 1000))
    manager.add_file("other", _file("first", MAX_BYTES))
    manager.add_file("other", _file("second", MAX_BYTES))  # a replacement on its way: both kept
    manager.add_file("other", _file("second", MAX_BYTES))  # the same file again replaces itself
    assert list(manager.file_storage["other"]) == ["first", "second"]
    assert list(manager.file_storage["colleague"]) == ["mine"]
    assert held.take_dropped("other") == 0
    assert held.held("other") == [("first", MAX_BYTES), ("second", MAX_BYTES)]


def test_install_is_once_per_store_and_leaves_other_stores_alone() -> None:
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    assert upload_store.install(manager) is upload_store.install(manager)
    assert upload_store.install(object()) is None


def test_outside_a_server_the_layer_is_sent_inline() -> None:
    payload = GeometryPayload(codes=("1",), json='{"scale":100000}', bounds=None)
    assert upload_store.upload_url(payload) is None
    assert upload_store.server_store() is None and upload_store.session_id() is None
