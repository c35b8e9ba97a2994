# A management driver for Tacker's VNFM (a Python class Tacker loads): cannot run elsewhere.
from tacker.vnfm.mgmt_drivers import vnflcm_abstract_driver


class Driver(vnflcm_abstract_driver.VnflcmMgmtAbstractDriver):
    def get_type(self):
        return "example"
