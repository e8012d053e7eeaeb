"""Co-funding: one award paid from several programmes (and so several funders), each with its share.

The rules, in one place:
- Shares are set at or after approval (grants.money.cofunding.services.award_shares_set), by the lead
  programme's managers, and always add up to the amount awarded, to the penny. An award without share
  rows is funded wholly by its own (lead) programme.
- Each programme's budget guard holds for its share: its running committed total counts its shares, and
  every programme whose share grows is locked (in id order, before the award) and checked.
- A variation that changes the amount awarded changes the lead programme's share only (its budget guard
  is the one checked); to spread a change, re-set the shares afterwards.
- Money paid on a co-funded award counts against each programme in proportion to its share (largest
  remainder, to the penny), worked out again whenever the shares or the paid total change.
- A funder of a co-funding programme sees the award (grants.selectors.award_scope) and only its own
  share; the lead programme's managers and funder, the recipient and administrators see every share.
"""
