"""The Kubecost / OpenCost External Costs API (``/model/customCost/...``), served by costlake."""
