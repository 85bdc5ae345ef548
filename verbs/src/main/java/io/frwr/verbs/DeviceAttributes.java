package io.frwr.verbs;

/**
 * What the device can do, as ibv_query_device reports it, restricted to what FRWR needs.
 *
 * @param name                  device name (mlx5_0, rxe0, sim:client)
 * @param pageSize              bytes per page of a fast-reg page list (a power of two)
 * @param maxFastRegPageListLen most pages one FAST_REG may map (max_fast_reg_page_list_len)
 * @param maxQpWr               most outstanding WRs per send or receive queue
 * @param maxMr                 most MRs the device can hold at once
 * @param sgGapsSupported       true if one MR may map pages with gaps between them (IB_MR_TYPE_SG_GAPS)
 */
public record DeviceAttributes(String name, int pageSize, int maxFastRegPageListLen, int maxQpWr, int maxMr,
                               boolean sgGapsSupported) {
    /** Checks the limits, so a provider cannot report a device the FRWR logic would misuse. */
    public DeviceAttributes {
        if (pageSize <= 0 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("pageSize must be a power of two, was " + pageSize);
        }
        if (maxFastRegPageListLen < 1 || maxQpWr < 1 || maxMr < 1) {
            throw new IllegalArgumentException("device limits must be positive: " + maxFastRegPageListLen
                    + " pages, " + maxQpWr + " WRs, " + maxMr + " MRs");
        }
    }
}
