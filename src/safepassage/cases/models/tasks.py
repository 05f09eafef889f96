"""Tasks on a case: who does what by when. The text is sealed under the narrative key.

Task text describes the work on a person's case ("call the consulate about her passport"),
so it is as revealing as a note: it is sealed like one. Assignee, due day and done day are
clear workflow fields, so "my tasks" can be listed and sorted without opening anything.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.cases.models.case import Case


class CaseTask(models.Model):
    """One task on a case, assigned to a colleague on the case, due on a day."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="case_tasks")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_on = models.DateField()
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    text = models.BinaryField()

    class Meta:
        verbose_name = _("case task")
        verbose_name_plural = _("case tasks")

    def __str__(self) -> str:
        return str(self.public_id)
