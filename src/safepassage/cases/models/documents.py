"""Documents of a case (SR-09): the file is a FILE envelope on disk under its own key.

The row holds only sealed values: the file key (a FIELD envelope under the case's documents
group key) and the details (original name, detected type, size; sealed likewise). The
encrypted file lives at ``SAFEPASSAGE_DATA_DIR/documents/<public id>.sp``
(``cases.document_storage``), never under a static or media URL.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.cases.models.case import Case


class CaseDocument(models.Model):
    """One uploaded document of a case, stored encrypted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_on = models.DateField()
    file_key = models.BinaryField()
    details = models.BinaryField()

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")

    def __str__(self) -> str:
        return str(self.public_id)
