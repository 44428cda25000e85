"""The governor's own view of each open proposal, cached in the mirror so pages work with the chain down."""

from __future__ import annotations

from django.utils import timezone

from governance.chain.client import ChainClient
from governance.chain.errors import ContractRevertError
from governance.chain.governor import Governor, ProposalState
from governance.models import ChainDeployment, ProposalMirror

# No later transaction changes these: they are read once more, never again.
FINAL_STATES = (ProposalState.CANCELED, ProposalState.DEFEATED, ProposalState.EXPIRED, ProposalState.EXECUTED)


def proposal_states_refresh(*, deployment: ChainDeployment, client: ChainClient) -> int:
    """Read the state of every proposal not final yet, and the quorum at its snapshot once that is past.

    State depends on the clock, quorum and the timelock, so it is the governor's answer, not derived
    here. Returns the number of proposals read (no node request when there is none).
    """
    proposals = list(
        ProposalMirror.objects.filter(deployment=deployment).exclude(state__in=[int(s) for s in FINAL_STATES])
    )
    if not proposals:
        return 0
    governor = Governor(client, deployment.governor)
    now, read_at = client.latest_timestamp(), timezone.now()
    for proposal in proposals:
        try:
            proposal.state = int(governor.state(int(proposal.proposal_id)))
            if proposal.quorum is None and proposal.vote_start < now:  # no checkpoint of "now" yet
                proposal.quorum = governor.quorum(proposal.vote_start)
        except ContractRevertError:
            # The governor does not know it (a reorg the window has not seen yet): keep the last answer.
            continue
        proposal.state_read_at = read_at
    ProposalMirror.objects.bulk_update(proposals, ["state", "state_read_at", "quorum"])
    return len(proposals)
