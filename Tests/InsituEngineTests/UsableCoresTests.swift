import Foundation
import Testing
@testable import InsituEngine

@Suite struct UsableCoresTests {
    @Test func countsTheAffinityMasksBits() {
        #expect(UsableCores.allowedCount(status: "Name:\tinsitu\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n") == 2)
        #expect(UsableCores.allowedCount(status: "Cpus_allowed:\t1\n") == 1)
        // Two 32-bit words: 8 + 32 processors.
        #expect(UsableCores.allowedCount(status: "Cpus_allowed:\tff,ffffffff\n") == 40)
        #expect(UsableCores.allowedCount(status: "Cpus_allowed:\t0a\n") == 2)
        #expect(UsableCores.allowedCount(status: "Name:\tinsitu\n") == nil)
        #expect(UsableCores.allowedCount(status: "Cpus_allowed:\tzz\n") == nil)
    }

    @Test func roundsACgroupQuotaUp() {
        #expect(UsableCores.quotaCores(cpuMax: "max 100000\n") == nil)
        #expect(UsableCores.quotaCores(cpuMax: "100000 100000\n") == 1)
        #expect(UsableCores.quotaCores(cpuMax: "150000 100000\n") == 2)
        #expect(UsableCores.quotaCores(cpuMax: "50000 100000\n") == 1)
        #expect(UsableCores.quotaCores(cpuMax: nil) == nil)
        #expect(UsableCores.quotaCores(cpuMax: "") == nil)
    }

    @Test func isAtLeastOneAndAtMostTheOnlineProcessors() {
        #expect(UsableCores.count >= 1)
        #expect(UsableCores.count <= ProcessInfo.processInfo.activeProcessorCount)
    }
}
